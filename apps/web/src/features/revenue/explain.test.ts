import { describe, expect, it } from "vitest";
import { clickedFigure, sumOfRows } from "@/features/revenue/explain";
import type { Kpis, Series } from "@/features/revenue/types";

const bucket = (start: string, end: string, mrr: number, churn: number, netNew: number) => ({
  start: `${start}T00:00:00.000Z`,
  end: `${end}T00:00:00.000Z`,
  mrr,
  arr: mrr * 12,
  customers: 1,
  new: netNew - churn,
  expansion: 0,
  contraction: 0,
  churn,
  reactivation: 0,
  netNew,
});

const series: Series = {
  currency: "usd",
  bucket: "month",
  openingMrr: 0,
  buckets: [
    bucket("2026-01-01", "2026-02-01", 4000, 0, 4000),
    bucket("2026-02-01", "2026-02-15", 3000, -2000, -1000),
  ],
};

describe("clickedFigure", () => {
  it("reads a movements bar's value for its kind, or net new without one", () => {
    const feb = { what: "movements", from: "2026-02-01", to: "2026-02-15" } as const;
    expect(clickedFigure({ ...feb, kind: "churn" }, series, undefined)).toBe(-2000);
    expect(clickedFigure(feb, series, undefined)).toBe(-1000);
  });

  it("reads the MRR at a bucket's end", () => {
    expect(clickedFigure({ what: "mrr", at: "2026-02-01" }, series, undefined)).toBe(4000);
  });

  it("falls back to the KPI cards' window, and to nothing for a figure not on screen", () => {
    const kpis = {
      from: "2026-01-16T00:00:00.000Z",
      to: "2026-02-15T00:00:00.000Z",
      netNewMrr: { value: 500, previous: 0 },
      mrr: { value: 3000, previous: 0 },
    } as Kpis;
    const window = { what: "movements", from: "2026-01-16", to: "2026-02-15" } as const;
    expect(clickedFigure(window, series, kpis)).toBe(500);
    expect(clickedFigure({ what: "mrr", at: "2026-03-01" }, series, kpis)).toBeNull();
  });
});

describe("sumOfRows", () => {
  it("adds signed amounts exactly", () => {
    const rows = [1999, -2000, 1].map((amount) => ({ amount }));
    expect(sumOfRows(rows)).toBe(0);
  });
});
