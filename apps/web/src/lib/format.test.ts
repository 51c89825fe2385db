import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration } from "@/lib/format";

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
