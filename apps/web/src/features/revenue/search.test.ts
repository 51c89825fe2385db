import { describe, expect, it } from "vitest";
import { chartWindow, kpiWindow, parseRevenueSearch } from "@/features/revenue/search";

const now = Date.UTC(2026, 11, 7, 15, 30); // Monday 7 December 2026, afternoon UTC

describe("chartWindow", () => {
  it("covers whole months up to the end of today", () => {
    expect(chartWindow(now, 12, "month")).toEqual({ from: "2026-01-01", to: "2026-12-08" });
    expect(chartWindow(now, 24, "month")).toEqual({ from: "2025-01-01", to: "2026-12-08" });
  });

  it("starts weeks on the first Monday inside the range", () => {
    // 8 Dec 2025 is a Monday.
    expect(chartWindow(now, 12, "week")).toEqual({ from: "2025-12-08", to: "2026-12-08" });
    // 8 Dec 2024 is a Sunday; the next Monday is the 9th.
    expect(chartWindow(now, 24, "week")).toEqual({ from: "2024-12-09", to: "2026-12-08" });
  });

  it("covers exactly the range in days", () => {
    expect(chartWindow(now, 24, "day")).toEqual({ from: "2024-12-08", to: "2026-12-08" });
  });
});

describe("kpiWindow", () => {
  it("is the last N days including today", () => {
    expect(kpiWindow(now, 30)).toEqual({ from: "2026-11-08", to: "2026-12-08" });
  });
});

describe("parseRevenueSearch", () => {
  it("keeps valid values that differ from the defaults", () => {
    expect(
      parseRevenueSearch({ tab: "months", currency: "eur", range: "24", bucket: "week", kpi: 90 }),
    ).toEqual({ tab: "months", currency: "eur", range: 24, bucket: "week", kpi: 90 });
  });

  it("drops defaults and anything invalid", () => {
    expect(
      parseRevenueSearch({ tab: "overview", currency: "EURO", range: 6, bucket: "year", kpi: 30 }),
    ).toEqual({});
  });

  it("accepts an explanation target and refuses a malformed one", () => {
    const explain = { what: "movements", from: "2026-03-01", to: "2026-04-01", kind: "churn" };
    expect(parseRevenueSearch({ explain })).toEqual({ explain });
    expect(parseRevenueSearch({ explain: { what: "mrr", at: "yesterday" } })).toEqual({});
    const allKinds = { what: "movements", from: "2026-03-01", to: "2026-04-01" };
    expect(parseRevenueSearch({ explain: { ...allKinds, extra: 1 } })).toEqual({
      explain: allKinds,
    });
    expect(parseRevenueSearch({ explain: { ...allKinds, kind: "refund" } })).toEqual({});
  });
});
