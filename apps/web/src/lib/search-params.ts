// Parsers for values read from the URL's search params. Routes validate their search in the
// entry chunk, which every first visit downloads; these few functions do that job for a fraction
// of a schema library's bytes (zod stays with the forms, which load with their pages).
// A parser returns undefined for anything absent or invalid, and the page falls back to its
// default instead of failing.

/** Reads one untrusted URL value. */
export type SearchParser<T> = (value: unknown) => T | undefined;

/** What a parser yields for a valid value. */
export type Parsed<P> = P extends SearchParser<infer T> ? T : never;

/**
 * One of `values`. Numbers also match their text ("25"), as a hand-edited URL may carry them
 * quoted.
 */
export function oneOf<const T extends string | number>(values: readonly T[]): SearchParser<T> {
  const allowed = new Set<unknown>(values);
  return (value) => {
    const candidate =
      typeof value === "string" && value.trim() !== "" && typeof values[0] === "number"
        ? Number(value)
        : value;
    return allowed.has(candidate) ? (candidate as T) : undefined;
  };
}

/** Text, optionally trimmed and lower-cased first, then held to a length and a pattern. */
export function text(
  rules: { trim?: boolean; lowerCase?: boolean; min?: number; max?: number; pattern?: RegExp } = {},
): SearchParser<string> {
  return (value) => {
    if (typeof value !== "string") return undefined;
    let s = rules.trim ? value.trim() : value;
    if (rules.lowerCase) s = s.toLowerCase();
    if (rules.min !== undefined && s.length < rules.min) return undefined;
    if (rules.max !== undefined && s.length > rules.max) return undefined;
    if (rules.pattern && !rules.pattern.test(s)) return undefined;
    return s;
  };
}

/** true or false (the router keeps JSON types in the URL). */
export const flag: SearchParser<boolean> = (value) =>
  typeof value === "boolean" ? value : undefined;

/** A real calendar day as YYYY-MM-DD (2026-02-30 is refused). */
export const isoDate: SearchParser<string> = (value) => {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : undefined;
};

/** An integer from `min` to `max`, given as a number or its text. */
export function wholeNumber({ min, max }: { min: number; max: number }): SearchParser<number> {
  return (value) => {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  };
}

/** A non-empty array whose every item is valid; one bad item refuses the whole list. */
export function listOf<T>(item: SearchParser<T>): SearchParser<T[]> {
  return (value) => {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const out: T[] = [];
    for (const entry of value) {
      const parsed = item(entry);
      if (parsed === undefined) return undefined;
      out.push(parsed);
    }
    return out;
  };
}
