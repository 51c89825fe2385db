import { minorUnitDigits } from "@folio/billing/money";

// Staff type amounts in major units ("12.50"); the server takes integer minor units (1250).

/**
 * `text` in major units as minor units of `currency`, or null when it is not an amount (letters,
 * more decimals than the currency has). A leading minus is kept when `signed`.
 */
export function parseMoneyInput(text: string, currency: string, signed = false): number | null {
  const digits = minorUnitDigits(currency);
  const trimmed = text.trim().replace(/,/g, "");
  const pattern = signed ? /^-?\d+(\.\d+)?$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(trimmed)) return null;
  const negative = trimmed.startsWith("-");
  const [whole = "0", fraction = ""] = trimmed.replace("-", "").split(".");
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(minor)) return null;
  return negative ? -minor : minor;
}

/** Minor units as the text a money input shows ("12.50" for 1250 USD). */
export function moneyInputText(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}
