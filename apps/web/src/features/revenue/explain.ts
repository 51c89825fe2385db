import type { ExplainTarget } from "@/features/revenue/search";
import type { ExplanationRow, Kpis, Series } from "@/features/revenue/types";

/** Σ of the rows' amounts; over every page the server promises it equals `total`. */
export function sumOfRows(rows: Pick<ExplanationRow, "amount">[]): number {
  return rows.reduce((sum, row) => sum + row.amount, 0);
}

const day = (iso: string) => iso.slice(0, 10);

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
    const bucket = series?.buckets.find((b) => day(b.end) === target.at);
    if (bucket) return bucket.mrr;
    if (kpis && day(kpis.to) === target.at) return kpis.mrr.value;
    return null;
  }
  const bucket = series?.buckets.find(
    (b) => day(b.start) === target.from && day(b.end) === target.to,
  );
  if (bucket) return target.kind ? bucket[target.kind] : bucket.netNew;
  if (kpis && !target.kind && day(kpis.from) === target.from && day(kpis.to) === target.to) {
    return kpis.netNewMrr.value;
  }
  return null;
}
