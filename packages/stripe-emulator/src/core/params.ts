import { z } from "zod";
import type { StripeErrorCode } from "./error-codes.ts";
import { ApiError } from "./errors.ts";

/**
 * Param schemas for form-encoded Stripe requests. Every value arrives as a string (or
 * nested object/array of strings) from qs, so these helpers coerce and validate, and
 * `parseParams` turns the first zod issue into Stripe's 400 with `param` in bracket
 * notation (`items[0][price]`). Objects are strict: Stripe rejects unknown parameters.
 */

function custom<T>(check: (raw: string) => T | undefined, message: (raw: string) => string) {
  return z.string().transform((raw, ctx) => {
    const value = check(raw);
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: message(raw) });
      return z.NEVER;
    }
    return value;
  });
}

/** Non-negative or any integer given as a decimal string. */
export const int = (opts: { min?: number; max?: number } = {}) =>
  custom(
    (raw) => {
      if (!/^-?\d+$/.test(raw)) return undefined;
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) return undefined;
      if (opts.min !== undefined && n < opts.min) return undefined;
      if (opts.max !== undefined && n > opts.max) return undefined;
      return n;
    },
    (raw) =>
      /^-?\d+$/.test(raw)
        ? `Invalid integer: ${raw}${rangeHint(opts)}`
        : `Invalid integer: ${raw === "" ? "(empty)" : raw}`,
  );

function rangeHint(opts: { min?: number; max?: number }): string {
  if (opts.min !== undefined && opts.max !== undefined)
    return `; must be between ${opts.min} and ${opts.max}`;
  if (opts.min !== undefined) return `; must be at least ${opts.min}`;
  if (opts.max !== undefined) return `; must be at most ${opts.max}`;
  return "";
}

export const decimal = () =>
  custom(
    (raw) => (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined),
    (raw) => `Invalid decimal: ${raw}`,
  );

export const bool = () =>
  custom(
    (raw) => (raw === "true" ? true : raw === "false" ? false : undefined),
    (raw) => `Invalid boolean: ${raw}`,
  );

export const str = (opts: { max?: number } = {}) =>
  z.string().refine((s) => opts.max === undefined || s.length <= opts.max, {
    message: `must be at most ${opts.max ?? 0} characters`,
  });

/**
 * An absolute http(s) URL, as Stripe requires for redirect URLs — the hosted pages put
 * these in links, so anything else (`javascript:`…) is refused up front.
 */
export const httpUrl = () =>
  z
    .string()
    .max(5000)
    .refine(
      (raw) => {
        try {
          const url = new URL(raw);
          return url.protocol === "http:" || url.protocol === "https:";
        } catch {
          return false;
        }
      },
      { message: "Not a valid URL" },
    );

/** An enum; the error names the allowed values like Stripe does. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);

export const currency = () =>
  custom(
    (raw) => (/^[a-zA-Z]{3}$/.test(raw) ? raw.toLowerCase() : undefined),
    (raw) => `Invalid currency: ${raw}. Stripe currencies are three-letter ISO codes.`,
  );

/** A value that may be sent as "" to clear it (the SDK encodes `null` as ""). */
export const emptyable = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === "" ? null : v), schema.nullable());

/** `metadata[key]=value`; `metadata=""` clears all, `metadata[key]=""` clears one key. */
export const metadata = () =>
  z.union([
    z.literal("").transform(() => null),
    z
      .record(z.string(), z.string())
      .refine((m) => Object.keys(m).length <= 50, {
        message: "Metadata can have at most 50 keys",
      })
      .refine((m) => Object.keys(m).every((k) => k.length <= 40), {
        message: "Metadata keys must be at most 40 characters",
      })
      .refine((m) => Object.values(m).every((v) => v.length <= 500), {
        message: "Metadata values must be at most 500 characters",
      }),
  ]);

export type MetadataParam = Record<string, string> | null | undefined;

/** Applies a metadata update on top of existing metadata with Stripe's unset rules. */
export function applyMetadata(
  existing: Record<string, string> | null | undefined,
  update: MetadataParam,
): Record<string, string> {
  if (update === undefined) return { ...(existing ?? {}) };
  if (update === null) return {};
  const next: Record<string, string> = { ...(existing ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    if (v === "") delete next[k];
    else next[k] = v;
  }
  return next;
}

/** Arrays arrive as `x[0]=…&x[1]=…`; qs gives an array (or an index-keyed object past its limit). */
export const list = <S extends z.ZodType>(item: S) =>
  z.preprocess((v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.every(([k]) => /^\d+$/.test(k)))
        return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, x]) => x);
    }
    return v;
  }, z.array(item));

/** Stripe's `created` filter: an exact timestamp or `{gt,gte,lt,lte}`. */
export const rangeFilter = () =>
  z.union([
    int().transform((n) => ({ gte: n, lte: n })),
    z.strictObject({
      gt: int().optional(),
      gte: int().optional(),
      lt: int().optional(),
      lte: int().optional(),
    }),
  ]);

/** Whether a value passes a `rangeFilter` (no filter: yes; a null value: no). */
export function inRange(
  value: number | null,
  r: { gt?: number; gte?: number; lt?: number; lte?: number } | undefined,
): boolean {
  if (!r) return true;
  if (value === null) return false;
  return (
    (r.gt === undefined || value > r.gt) &&
    (r.gte === undefined || value >= r.gte) &&
    (r.lt === undefined || value < r.lt) &&
    (r.lte === undefined || value <= r.lte)
  );
}

/** Shape every list endpoint accepts; spread into a list schema. */
export const listShape = {
  limit: int({ min: 1, max: 100 }).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  created: rangeFilter().optional(),
};

export const obj = z.strictObject;

export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0], raw);
}

export function bracketPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? "") + rest.map((p) => `[${p}]`).join("");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function issueToError(issue: z.core.$ZodIssue | undefined, raw: unknown): ApiError {
  if (!issue) return new ApiError(400, "invalid_request_error", "Invalid request.");
  const param = bracketPath(issue.path);
  const bad = (message: string, code?: StripeErrorCode) =>
    new ApiError(400, "invalid_request_error", message, { param, ...(code ? { code } : {}) });
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      const full = param ? `${param}[${key}]` : key;
      return new ApiError(400, "invalid_request_error", `Received unknown parameter: ${full}`, {
        param: full,
        code: "parameter_unknown",
      });
    }
    case "invalid_type": {
      const value = valueAt(raw, issue.path);
      if (value === undefined) return bad(`Missing required param: ${param}.`, "parameter_missing");
      if (issue.expected === "object" || issue.expected === "record")
        return bad(`Invalid object: ${param} must be a hash`);
      if (issue.expected === "array") return bad(`Invalid array: ${param} must be an array`);
      return bad(`Invalid ${issue.expected}: ${param}`);
    }
    case "invalid_value":
      if (valueAt(raw, issue.path) === undefined) {
        return bad(`Missing required param: ${param}.`, "parameter_missing");
      }
      return bad(
        `Invalid ${param}: must be one of ${issue.values.map((v) => String(v)).join(", ")}`,
      );
    case "invalid_union": {
      const value = valueAt(raw, issue.path);
      if (value === undefined) return bad(`Missing required param: ${param}.`, "parameter_missing");
      // Report the branch that got furthest (a nested field), else a structural mismatch.
      const firsts = issue.errors.map((branch) => branch[0]).filter((x) => x !== undefined);
      const deeper = firsts.find((sub) => sub.path.length > 0);
      const structural = firsts.find(
        (sub) => sub.code === "invalid_type" && typeof value === "object",
      );
      const customIssue = firsts.find((sub) => sub.code === "custom");
      const pick = deeper ?? structural ?? customIssue ?? firsts.at(-1);
      if (pick) return issueToError({ ...pick, path: [...issue.path, ...pick.path] }, raw);
      return bad(`Invalid value for ${param}.`);
    }
    default: {
      if (issue.code !== "custom") return bad(`Invalid ${param}: ${issue.message}`);
      // Stripe's documented codes for a malformed integer and an empty string.
      const value = valueAt(raw, issue.path);
      if (issue.message.startsWith("Invalid integer") && !/^-?\d+$/.test(String(value)))
        return bad(issue.message, "parameter_invalid_integer");
      if (value === "") return bad(issue.message, "parameter_invalid_empty");
      return bad(issue.message);
    }
  }
}
