import { toCsv } from "@/features/revenue/csv";
import { isoDay, moneyCell } from "@/features/revenue/format";
import type { Series } from "@/features/revenue/types";

/** The MRR series as drawn (both the MRR and the movements charts), one line per bucket. */
export function seriesCsv(series: Series): { filename: string; content: string } {
  const { currency } = series;
  const first = series.buckets[0];
  const last = series.buckets.at(-1);
  const span = first && last ? `${isoDay(first.start)}_${isoDay(last.end)}` : "empty";
  return {
    filename: `mrr-${currency}-${series.bucket}-${span}.csv`,
    content: toCsv(
      [
        { header: "period_start", value: (b) => isoDay(b.start) },
        { header: "period_end_exclusive", value: (b) => isoDay(b.end) },
        { header: "currency", value: () => currency.toUpperCase() },
        { header: "mrr", value: (b) => moneyCell(b.mrr, currency) },
        { header: "arr", value: (b) => moneyCell(b.arr, currency) },
        { header: "customers", value: (b) => b.customers },
        { header: "new", value: (b) => moneyCell(b.new, currency) },
        { header: "expansion", value: (b) => moneyCell(b.expansion, currency) },
        { header: "reactivation", value: (b) => moneyCell(b.reactivation, currency) },
        { header: "contraction", value: (b) => moneyCell(b.contraction, currency) },
        { header: "churn", value: (b) => moneyCell(b.churn, currency) },
        { header: "net_new", value: (b) => moneyCell(b.netNew, currency) },
      ],
      series.buckets,
    ),
  };
}
