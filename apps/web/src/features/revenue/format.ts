import { formatMoney, minorUnitDigits } from "@folio/billing/money";
import { minorToDecimal } from "@/features/revenue/csv";
import { onFirstUse } from "@/lib/format";

export { formatMoney };

const compactFormats = new Map<string, Intl.NumberFormat>();

/** Short money for chart axes ("$12K"); full amounts are in tooltips and tables. */
export function formatMoneyCompact(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = compactFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: "currency",
      currency: code,
      notation: "compact",
      maximumFractionDigits: 1,
    });
    compactFormats.set(code, format);
  }
  return format.format(amount / 10 ** minorUnitDigits(currency));
}

/** A signed movement: "+$1,200.00", "−$300.00", "$0.00". */
export function formatSignedMoney(amount: number, currency: string): string {
  if (amount === 0) return formatMoney(0, currency);
  const text = formatMoney(Math.abs(amount), currency);
  return amount > 0 ? `+${text}` : `−${text}`;
}

/** Decimal major units for CSV cells ("1234.50"), exact. */
export function moneyCell(amount: number, currency: string): string {
  return minorToDecimal(amount, minorUnitDigits(currency));
}

const percentFormat = onFirstUse(
  () =>
    new Intl.NumberFormat(undefined, {
      style: "percent",
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }),
);

/** A rate given as a fraction (0.053 → "5.3%"); em dash when undefined. */
export function formatRate(value: number | null): string {
  return value === null ? "—" : percentFormat().format(value);
}

const monthFormat = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" }),
);
const dayFormat = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" }),
);
const shortDayFormat = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" }),
);

/** The UTC calendar day (YYYY-MM-DD) of an ISO timestamp, as the revenue API takes days. */
export const isoDay = (iso: string): string => iso.slice(0, 10);

/** A bucket's name as people say it: "Mar 2026", "Week of Mar 2, 2026", "Mar 2, 2026". */
export function bucketLabel(startIso: string, bucket: "day" | "week" | "month"): string {
  const start = new Date(startIso);
  if (bucket === "month") return monthFormat().format(start);
  if (bucket === "week") return `Week of ${dayFormat().format(start)}`;
  return dayFormat().format(start);
}

/** Short axis tick for a bucket start. */
export function bucketTick(startIso: string, bucket: "day" | "week" | "month"): string {
  const start = new Date(startIso);
  return bucket === "month" ? monthFormat().format(start) : shortDayFormat().format(start);
}

/** A UTC calendar day ("Mar 2, 2026") from an ISO timestamp or YYYY-MM-DD. */
export function formatDay(iso: string): string {
  return dayFormat().format(new Date(iso));
}

/** "2026-11" → "Nov 2026". */
export function formatMonth(month: string): string {
  return monthFormat().format(new Date(`${month}-01T00:00:00Z`));
}
