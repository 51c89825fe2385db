import { isoDay } from "@/features/revenue/format";
import type { ExplainTarget } from "@/features/revenue/search";
import type { ExplanationRow, Kpis, Series } from "@/features/revenue/types";

/** Σ of the rows' amounts; over every page the server promises it equals `total`. */
export function sumOfRows(rows: Pick<ExplanationRow, "amount">[]): number {
  return rows.reduce((sum, row) => sum + row.amount, 0);
}

/**
 * The figure that was clicked, read from the data the chart or card drew (the series or the
 * KPIs for the same window), so the panel can show the list adds up to exactly that number.
 * Null when the target is not on screen (a shared link to another range).
 */
export function clickedFigure(
  target: ExplainTarget,
  series: Series | undefined,
  kpis: Kpis | undefined,
): number | null {
  if (target.what === "mrr") {
    const bucket = series?.buckets.find((b) => isoDay(b.end) === target.at);
    if (bucket) return bucket.mrr;
    if (kpis && isoDay(kpis.to) === target.at) return kpis.mrr.value;
    return null;
  }
  const bucket = series?.buckets.find(
    (b) => isoDay(b.start) === target.from && isoDay(b.end) === target.to,
  );
  if (bucket) return target.kind ? bucket[target.kind] : bucket.netNew;
  if (kpis && !target.kind && isoDay(kpis.from) === target.from && isoDay(kpis.to) === target.to) {
    return kpis.netNewMrr.value;
  }
  return null;
}
