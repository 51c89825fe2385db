import { describe, expect, it, vi } from "vitest";
import { formatDateTime, formatDuration, onFirstUse } from "@/lib/format";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [44.6, "45 s"],
    [60, "1 min"],
    [3599, "59 min"],
    [3600, "1 h"],
    [3900, "1 h 5 min"],
    [3 * 86400, "3 d"],
    [-5, "0 s"],
  ])("%d s reads as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("formatDateTime", () => {
  it("shows an em dash for missing or invalid timestamps", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });
});

describe("onFirstUse", () => {
  it("makes the value on the first call, once", () => {
    const make = vi.fn(() => ({}));
    const value = onFirstUse(make);
    expect(make).not.toHaveBeenCalled();
    expect(value()).toBe(value());
    expect(make).toHaveBeenCalledTimes(1);
  });
});
