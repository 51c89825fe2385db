import type { StoredObject } from "./store.ts";
import { resourceMissing } from "./errors.ts";
import type { Ctx } from "./types.ts";

/**
 * `data.previous_attributes` for an update event: the old values of changed top-level
 * keys; nested plain objects (metadata, settings) list only their changed keys, with
 * `null` for keys that did not exist before — as Stripe does.
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> | null {
  const diff = diffObjects(before as Record<string, unknown>, after as Record<string, unknown>);
  return Object.keys(diff).length > 0 ? diff : null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function diffObjects(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (isPlainObject(a) && isPlainObject(b) && !("object" in a && "id" in a)) {
      out[key] = diffObjects(a, b);
    } else {
      out[key] = a === undefined ? null : a;
    }
  }
  return out;
}

/** Loads an object of a type or throws Stripe's 404 (`No such customer: 'cus_x'`). */
export function mustGet<T extends object>(
  ctx: Ctx,
  type: string,
  id: string,
  param = "id",
  label = type.replace(/_/g, " ").replace(/^.*\./, ""),
): T {
  const found = ctx.store.getTyped<StoredObject>(type, id);
  if (!found || found.deleted === true) throw resourceMissing(label, id, param);
  return found as unknown as T;
}

/** Stores `next`, emits `<type>` with previous_attributes when something changed. */
export function saveAndEmitUpdate<T extends object>(
  ctx: Ctx,
  eventType: Parameters<Ctx["emit"]>[0],
  before: T,
  next: T,
): T {
  ctx.store.update(next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit(eventType, next, prev);
  return next;
}

/**
 * Replaces a stored object with its `{ id, object, deleted: true }` stub, emits `eventType`
 * (`customer.deleted`…) with the object as it was, and returns the stub, the DELETE response.
 */
export function replaceWithDeletedStub<T extends { id: string; object: string }>(
  ctx: Ctx,
  eventType: Parameters<Ctx["emit"]>[0],
  object: T,
): { id: string; object: T["object"]; deleted: true } {
  const stub = { id: object.id, object: object.object, deleted: true as const };
  ctx.store.update(stub);
  ctx.emit(eventType, object);
  return stub;
}

/** Deleted objects stay stored as `{ id, object, deleted: true }` stubs. */
export function isDeleted(object: object): boolean {
  return (object as { deleted?: unknown }).deleted === true;
}

/** The id of an expandable field, whether it holds an id or the expanded object; "" when empty. */
export function idOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string")
    return (value as { id: string }).id;
  return "";
}

/** The test clock an object (customer, subscription, invoice…) runs on, or null. */
export function clockOf(object: { test_clock?: unknown }): string | null {
  return idOf(object.test_clock) || null;
}
