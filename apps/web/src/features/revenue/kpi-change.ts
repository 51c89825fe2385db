import { formatSignedMoney } from "@/features/revenue/format";
import { onFirstUse } from "@/lib/format";

export interface KpiFigure {
  value: number | null;
  previous: number | null;
}

/**
 * How a change is read: `relative` for amounts and counts that are never negative (percent
 * change), `money` for signed amounts (the difference), `points` for rates (percentage points).
 */
export type ChangeMode = "relative" | { money: string } | "points";

export interface KpiChange {
  /** "+12.3%", "−$150.00", "+0.4 pts"; null when there is nothing to compare with. */
  text: string | null;
  direction: "up" | "down" | "flat";
  /** Whether the change is good news, given which way is better for this figure. */
  tone: "good" | "bad" | "neutral";
}

const relativeFormat = onFirstUse(
  () =>
    new Intl.NumberFormat(undefined, {
      style: "percent",
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    }),
);
const pointsFormat = onFirstUse(
  () => new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, signDisplay: "exceptZero" }),
);

export function kpiChange(figure: KpiFigure, mode: ChangeMode, better: "up" | "down"): KpiChange {
  const { value, previous } = figure;
  if (value === null || previous === null)
    return { text: null, direction: "flat", tone: "neutral" };
  const delta = value - previous;
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  const tone = direction === "flat" ? "neutral" : direction === better ? "good" : "bad";

  let text: string | null;
  if (mode === "relative") {
    // A change from nothing has no percentage.
    text = previous === 0 ? null : relativeFormat().format(delta / previous);
  } else if (mode === "points") {
    text = `${pointsFormat().format(delta * 100)} pts`;
  } else {
    text = formatSignedMoney(delta, mode.money);
  }
  return { text: text?.replace("-", "−") ?? null, direction, tone };
}
