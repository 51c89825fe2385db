// Responses are plain JSON (the default transformer): Dates leave as ISO strings. This converts
// them where they are and says so in the type, so RouterOutputs match what the client receives.

export type WithIsoDates<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? WithIsoDates<U>[]
    : T extends object
      ? { [K in keyof T]: WithIsoDates<T[K]> }
      : T;

export function withIsoDates<T>(value: T): WithIsoDates<T> {
  if (value instanceof Date) return value.toISOString() as WithIsoDates<T>;
  if (Array.isArray(value)) return value.map(withIsoDates) as WithIsoDates<T>;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withIsoDates(v)]),
    ) as WithIsoDates<T>;
  }
  return value as WithIsoDates<T>;
}
