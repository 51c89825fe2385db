// Browser-safe (no Node or server imports): the web app imports this module through
// `@folio/billing/money`, so keep it dependency-free.

// Currencies Stripe treats as zero-decimal: amounts are already whole units, no ×100.
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

// Three-decimal currencies: Stripe's minor unit is a thousandth (5.124 KWD is 5124).
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency.toLowerCase());
}

/** Digits after the decimal point in Stripe's minor unit: 0 (JPY), 3 (KWD) or 2. */
export function minorUnitDigits(currency: string): 0 | 2 | 3 {
  const lower = currency.toLowerCase();
  return ZERO_DECIMAL.has(lower) ? 0 : THREE_DECIMAL.has(lower) ? 3 : 2;
}

const formats = new Map<string, Intl.NumberFormat>();

/**
 * Formats integer minor units for display; only ever called at the edge. Without a locale it
 * uses the runtime's (the reader's, in a browser).
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  const key = `${locale ?? ""}|${code}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency: code });
    formats.set(key, format);
  }
  return format.format(amount / 10 ** minorUnitDigits(currency));
}
