/**
 * A value made on first use, for Intl formatters: a page's first formatter pays for ICU's
 * start-up (~20 ms on a laptop, four times that on a phone). Made at import, that cost landed in
 * the evaluation of every chunk importing the module, one long task with the chunk's own code.
 */
export function onFirstUse<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

const dateTimeFormat = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
);
const numberFormat = onFirstUse(() => new Intl.NumberFormat());

/** A timestamp from the API (ISO string) in the reader's locale; em dash when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : dateTimeFormat().format(date);
}

export function formatCount(value: number): string {
  return numberFormat().format(value);
}

/** A duration in seconds, rounded to the unit people read it in ("45 s", "3 min", "2 h 5 min"). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
