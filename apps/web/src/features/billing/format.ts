// Currencies Stripe treats as zero-decimal (amounts are whole units, no ×100); same list as
// @folio/billing's money.ts, which is server code and stays out of the browser bundle.
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Integer minor units from the API, in the reader's locale. */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = moneyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: "currency", currency: code });
    moneyFormats.set(code, format);
  }
  return format.format(ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** A calendar date from an API timestamp (ISO string); em dash when absent. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : dateFormat.format(date);
}
