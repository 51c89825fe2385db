import { describe, expect, it } from "vitest";
import { moneyInputText, parseMoneyInput } from "./money-input";

describe("parseMoneyInput", () => {
  it("reads major units as minor units, per currency", () => {
    expect(parseMoneyInput("12.5", "usd")).toBe(1250);
    expect(parseMoneyInput("1,200", "usd")).toBe(120000);
    expect(parseMoneyInput("500", "jpy")).toBe(500);
    expect(parseMoneyInput("1.234", "kwd")).toBe(1234);
  });

  it("refuses what is not an amount of that currency", () => {
    expect(parseMoneyInput("12.345", "usd")).toBeNull();
    expect(parseMoneyInput("5.5", "jpy")).toBeNull();
    expect(parseMoneyInput("ten", "usd")).toBeNull();
    expect(parseMoneyInput("-5", "usd")).toBeNull();
    expect(parseMoneyInput("", "usd")).toBeNull();
  });

  it("keeps a minus sign when a signed amount is asked for", () => {
    expect(parseMoneyInput("-5.25", "eur", true)).toBe(-525);
  });

  it("writes minor units back as input text", () => {
    expect(moneyInputText(1250, "usd")).toBe("12.50");
    expect(moneyInputText(500, "jpy")).toBe("500");
  });
});
