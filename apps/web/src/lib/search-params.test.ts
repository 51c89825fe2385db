import { describe, expect, it } from "vitest";
import { flag, isoDate, listOf, oneOf, text, wholeNumber } from "@/lib/search-params";

describe("search param parsers", () => {
  it("oneOf keeps listed values, and numbers given as text", () => {
    const tab = oneOf(["a", "b"]);
    expect(tab("a")).toBe("a");
    expect(tab("c")).toBeUndefined();
    expect(tab(1)).toBeUndefined();
    const size = oneOf([10, 25]);
    expect(size(25)).toBe(25);
    expect(size("10")).toBe(10);
    expect(size("")).toBeUndefined();
    expect(size(11)).toBeUndefined();
  });

  it("text trims and lower-cases before checking length and pattern", () => {
    const search = text({ trim: true, min: 1, max: 5 });
    expect(search("  ab ")).toBe("ab");
    expect(search("   ")).toBeUndefined();
    expect(search("abcdef")).toBeUndefined();
    expect(search(12)).toBeUndefined();
    const currency = text({ trim: true, lowerCase: true, pattern: /^[a-z]{3}$/ });
    expect(currency(" EUR ")).toBe("eur");
    expect(currency("euro")).toBeUndefined();
  });

  it("flag takes booleans only", () => {
    expect(flag(false)).toBe(false);
    expect(flag("true")).toBeUndefined();
  });

  it("isoDate refuses days that do not exist", () => {
    expect(isoDate("2024-02-29")).toBe("2024-02-29");
    expect(isoDate("2026-02-29")).toBeUndefined();
    expect(isoDate("2026-13-01")).toBeUndefined();
    expect(isoDate("2026-1-01")).toBeUndefined();
    expect(isoDate("yesterday")).toBeUndefined();
  });

  it("wholeNumber holds integers to their range", () => {
    const minor = wholeNumber({ min: 0, max: 100 });
    expect(minor("42")).toBe(42);
    expect(minor(0)).toBe(0);
    expect(minor(1.5)).toBeUndefined();
    expect(minor(-1)).toBeUndefined();
    expect(minor("")).toBeUndefined();
    expect(minor(true)).toBeUndefined();
  });

  it("listOf refuses an empty list or one with a bad item", () => {
    const cursors = listOf(text({ min: 1 }));
    expect(cursors(["a", "b"])).toEqual(["a", "b"]);
    expect(cursors([])).toBeUndefined();
    expect(cursors(["a", ""])).toBeUndefined();
    expect(cursors("a")).toBeUndefined();
  });
});
