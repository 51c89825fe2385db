import { describe, expect, it } from "vitest";
import { kpiChange } from "@/features/revenue/kpi-change";

describe("kpiChange", () => {
  it("reads amounts as a percentage change, good when the figure should rise", () => {
    expect(kpiChange({ value: 11000, previous: 10000 }, "relative", "up")).toEqual({
      text: "+10%",
      direction: "up",
      tone: "good",
    });
  });

  it("marks a rising churn rate as bad, in percentage points", () => {
    expect(kpiChange({ value: 0.05, previous: 0.03 }, "points", "down")).toEqual({
      text: "+2 pts",
      direction: "up",
      tone: "bad",
    });
  });

  it("gives signed amounts as a money difference", () => {
    const change = kpiChange({ value: -5000, previous: 10000 }, { money: "usd" }, "up");
    expect(change.direction).toBe("down");
    expect(change.tone).toBe("bad");
    expect(change.text).toMatch(/^−\$150\.00$/);
  });

  it("has no percentage when the previous period was zero or unknown", () => {
    expect(kpiChange({ value: 500, previous: 0 }, "relative", "up").text).toBeNull();
    expect(kpiChange({ value: 0.1, previous: null }, "points", "down")).toEqual({
      text: null,
      direction: "flat",
      tone: "neutral",
    });
  });

  it("is neutral when nothing changed", () => {
    expect(kpiChange({ value: 3, previous: 3 }, "relative", "up").tone).toBe("neutral");
  });
});
