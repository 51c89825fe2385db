import { invalidRequest } from "./errors.ts";
import type { StoredObject } from "./store.ts";
import type { Ctx, Expander } from "./types.ts";

const MAX_DEPTH = 4;

/**
 * Generic `expand[]`: walks each dotted path; a string id found on the way is replaced by
 * the stored object with that id, arrays are walked element by element (so `data.customer`
 * works on lists and `lines.data.price` on invoices), and fields Stripe only includes on
 * request come from registered expanders. Unknown fields answer 400 like Stripe.
 */
export function applyExpand(
  ctx: Ctx,
  body: unknown,
  paths: readonly string[],
  expanders: ReadonlyMap<string, Expander>,
): unknown {
  if (paths.length === 0 || body === null || typeof body !== "object") return body;
  const root = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split(".");
    if (parts.length > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        { param: "expand" },
      );
    }
    expandAt(ctx, root, parts, path, expanders);
  }
  return root;
}

function expandAt(
  ctx: Ctx,
  node: unknown,
  parts: string[],
  fullPath: string,
  expanders: ReadonlyMap<string, Expander>,
): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) expandAt(ctx, item, parts, fullPath, expanders);
    return;
  }
  if (typeof node !== "object") return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  const record = node as Record<string, unknown>;
  let value = record[head];
  const notExpandable = () =>
    invalidRequest(`This property cannot be expanded (${fullPath}).`, { param: "expand" });
  if (value === undefined) {
    const expander = expanders.get(`${String(record.object)}.${head}`);
    if (!expander) throw notExpandable();
    value = expander(ctx, record as StoredObject);
    record[head] = value;
  } else if (typeof value === "string") {
    const found = ctx.store.get(value);
    if (found) {
      value = found;
      record[head] = found;
    } else if (!looksLikeId(value)) {
      throw notExpandable();
    }
  } else if (Array.isArray(value)) {
    // A list of ids (a subscription's `discounts`) expands element by element.
    for (const [i, item] of value.entries()) {
      if (typeof item !== "string") continue;
      const found = ctx.store.get(item);
      if (found) value[i] = found;
      else if (!looksLikeId(item)) throw notExpandable();
    }
  } else if (value !== null && !isExpandedObject(value, rest.length > 0)) {
    // Numbers, booleans and plain hashes (`metadata`, `address`) are never expandable.
    throw notExpandable();
  }
  if (rest.length > 0) expandAt(ctx, value, rest, fullPath, expanders);
}

/** An id (random part with a digit or capital, unlike `send_invoice`) of an object the emulator does not store stays as it is. */
function looksLikeId(value: string): boolean {
  return /^[a-z]+(_[a-z]+)*_(?=[0-9A-Za-z]*[0-9A-Z])[0-9A-Za-z]{8,}$/.test(value);
}

/** An object is walked through when the path goes on, or kept when it is already an object with an id. */
function isExpandedObject(value: unknown, pathGoesOn: boolean): boolean {
  if (typeof value !== "object" || value === null) return false;
  return pathGoesOn || typeof (value as { id?: unknown }).id === "string";
}
