/**
 * The emulator's test-mode tax table (documented in the README, "Tax"). Stripe Tax decides
 * rates from live registrations and product tax codes; the emulator uses this small, fixed
 * table instead, so numbers in tests never change under you:
 *
 * - The account (the seller) is registered in every jurisdiction listed here and its origin
 *   is `ORIGIN_COUNTRY` (the invoices' `account_country`).
 * - EU member states and GB charge their standard VAT rate; the US states listed charge the
 *   state rate on every taxable code. Anywhere else: `not_collecting`, no tax.
 * - Tax code `txcd_00000000` (nontaxable) is `product_exempt` everywhere.
 */

export const ORIGIN_COUNTRY = "US";

/** The general tax code Stripe applies when a product has none (electronically supplied services). */
export const DEFAULT_TAX_CODE = "txcd_10000000";
export const NONTAXABLE_TAX_CODE = "txcd_00000000";

export interface Jurisdiction {
  country: string;
  state: string | null;
  /** Shown on invoices: "VAT", "Sales Tax". */
  displayName: string;
  /** What Stripe calls the tax (`vat`, `sales_tax`). */
  taxType: "vat" | "sales_tax";
  level: "country" | "state";
  /** Percentage as Stripe shows it (19, 7.25). */
  percentage: number;
}

/** Standard VAT rates of the EU member states (plus `EL` for Greece, as VAT numbers spell it). */
const EU_VAT: Record<string, number> = {
  AT: 20,
  BE: 21,
  BG: 20,
  CY: 19,
  CZ: 21,
  DE: 19,
  DK: 25,
  EE: 22,
  ES: 21,
  FI: 25.5,
  FR: 20,
  GR: 24,
  HR: 25,
  HU: 27,
  IE: 23,
  IT: 22,
  LT: 21,
  LU: 17,
  LV: 21,
  MT: 18,
  NL: 21,
  PL: 23,
  PT: 23,
  RO: 19,
  SE: 25,
  SI: 22,
  SK: 23,
};

/** US state sales tax (state level only; no local rates). */
const US_STATES: Record<string, number> = {
  NY: 4,
  TX: 6.25,
  WA: 6.5,
  CA: 7.25,
};

export function isEuCountry(country: string): boolean {
  return country in EU_VAT;
}

/** The jurisdiction whose tax applies at a location, or null when the account does not collect there. */
export function jurisdictionFor(country: string | null, state: string | null): Jurisdiction | null {
  if (!country) return null;
  const c = country.toUpperCase();
  const vat = EU_VAT[c] ?? (c === "GB" ? 20 : undefined);
  if (vat !== undefined) {
    return {
      country: c,
      state: null,
      displayName: "VAT",
      taxType: "vat",
      level: "country",
      percentage: vat,
    };
  }
  const st = state?.toUpperCase() ?? null;
  if (c === "US" && st && US_STATES[st] !== undefined) {
    return {
      country: c,
      state: st,
      displayName: "Sales Tax",
      taxType: "sales_tax",
      level: "state",
      percentage: US_STATES[st],
    };
  }
  return null;
}

/** Whether an address is one the table can place (a country; a state for the US). */
export function isRecognizedLocation(country: string | null, state: string | null): boolean {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return false;
  return country.toUpperCase() !== "US" || (state !== null && state !== "");
}
