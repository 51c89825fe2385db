import { describe, expect, it } from "vitest";
import { addIntervals, nextBoundary, previousBoundary } from "./time.ts";

const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (unix: number) => new Date(unix * 1000).toISOString();

describe("billing periods", () => {
  it("counts months from the anchor, clamping to the end of short months", () => {
    const anchor = at("2026-01-31T10:00:00Z");
    expect(iso(addIntervals(anchor, "month", 1, 1))).toBe("2026-02-28T10:00:00.000Z");
    expect(iso(addIntervals(anchor, "month", 1, 2))).toBe("2026-03-31T10:00:00.000Z");
    expect(iso(addIntervals(anchor, "month", 1, 3))).toBe("2026-04-30T10:00:00.000Z");
    expect(iso(addIntervals(anchor, "month", 3, 1))).toBe("2026-04-30T10:00:00.000Z");
    expect(iso(addIntervals(anchor, "month", 1, -1))).toBe("2025-12-31T10:00:00.000Z");
  });

  it("handles leap years, weeks, days and multi-year steps", () => {
    expect(iso(addIntervals(at("2024-02-29T00:00:00Z"), "year", 1, 1))).toBe(
      "2025-02-28T00:00:00.000Z",
    );
    expect(iso(addIntervals(at("2024-02-29T00:00:00Z"), "year", 1, 4))).toBe(
      "2028-02-29T00:00:00.000Z",
    );
    expect(addIntervals(1000, "week", 2, 1)).toBe(1000 + 14 * 86_400);
    expect(addIntervals(1000, "day", 1, 3)).toBe(1000 + 3 * 86_400);
  });

  it("finds the period boundaries around a time", () => {
    const anchor = at("2026-01-31T00:00:00Z");
    expect(iso(nextBoundary(anchor, "month", 1, at("2026-02-28T00:00:00Z")))).toBe(
      "2026-03-31T00:00:00.000Z",
    );
    expect(iso(nextBoundary(anchor, "month", 1, at("2026-02-27T23:59:59Z")))).toBe(
      "2026-02-28T00:00:00.000Z",
    );
    expect(iso(nextBoundary(anchor, "month", 1, at("2031-07-15T00:00:00Z")))).toBe(
      "2031-07-31T00:00:00.000Z",
    );
    expect(nextBoundary(anchor, "month", 1, anchor - 1)).toBe(anchor);
    expect(iso(previousBoundary(anchor, "month", 1, at("2026-03-15T00:00:00Z")))).toBe(
      "2026-02-28T00:00:00.000Z",
    );
  });
});
