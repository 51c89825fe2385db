// Charts export exactly the rows they draw: the CSV is built in the browser from the same data,
// so what finance downloads cannot disagree with what it saw.

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

// Spreadsheets run cells that start with these as formulas (CSV injection); a leading quote
// makes them text. Customer names and cancellation comments are user input; plain numbers
// ("-12.50") are left alone.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 text: a header row, CRLF line ends, quoted where needed. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Money columns in CSV are decimal major units ("1234.50") so a spreadsheet can sum them;
 * minor units are exact integers, so this is string arithmetic, not a float division.
 */
export function minorToDecimal(amount: number, digits: number): string {
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? "-" : "";
  const abs = String(Math.abs(amount)).padStart(digits + 1, "0");
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** Saves `csv` as a file through a temporary object URL. */
export function downloadCsv(filename: string, csv: string): void {
  // A byte-order mark so Excel reads UTF-8 names correctly.
  const blob = new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
