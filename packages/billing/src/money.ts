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

export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency.toLowerCase());
}

/** Formats integer minor units for display; only ever called at the edge. */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const major = isZeroDecimal(currency) ? amount : amount / 100;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(major);
}
