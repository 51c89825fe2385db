/**
 * Exact tax arithmetic in integer minor units. Percentages (19, 7.25, 25.5) become integer
 * parts per million, so no float ever touches an amount. Rounding rule, everywhere: each
 * line's tax is rounded once, half away from zero (€0.005 → €0.01), and totals are sums of
 * rounded line taxes — the invoice shows exactly what its lines add up to.
 */

const MILLION = 1_000_000;

export function ppm(percentage: number): number {
  return Math.round(percentage * 10_000);
}

/** n ÷ d rounded half away from zero (d > 0). */
export function divRound(n: number, d: number): number {
  const q = Math.floor((Math.abs(n) * 2 + d) / (2 * d));
  return n < 0 ? -q : q;
}

/** Tax added on top of an exclusive amount. */
export function exclusiveTax(amount: number, percentage: number): number {
  return divRound(amount * ppm(percentage), MILLION);
}

/** The net part of an amount that already includes `percentage` tax. */
export function inclusiveNet(amount: number, percentage: number): number {
  return divRound(amount * MILLION, MILLION + ppm(percentage));
}
