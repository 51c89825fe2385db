// RFC 4180 CSV, with OWASP's guard against formula injection: a spreadsheet runs a text cell
// that starts with = + - @ (or a tab / carriage return that it strips first) as a formula, so
// such cells are prefixed with a single quote and read as text. Numbers are left alone (a
// refund of -500 stays a number); only text is guarded.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A cell's value: text, a number, a boolean, a date (ISO 8601, UTC), or empty. */
export type CsvValue = string | number | boolean | Date | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
