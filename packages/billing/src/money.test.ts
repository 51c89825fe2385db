import { describe, expect, it } from "vitest";
import { formatMoney, minorUnitDigits } from "./money.ts";

describe("formatMoney", () => {
  it("divides two-decimal currencies by 100", () => {
    expect(formatMoney(123456, "usd", "en-US")).toBe("$1,234.56");
  });
  it("leaves zero-decimal currencies whole", () => {
    expect(formatMoney(1500, "jpy", "en-US")).toBe("¥1,500");
  });
  it("divides three-decimal currencies (KWD, BHD…) by 1000", () => {
    expect(formatMoney(5120, "kwd", "en-US")).toBe("KWD 5.120");
    expect(formatMoney(1000, "BHD", "en-US")).toBe("BHD 1.000");
  });
});

describe("minorUnitDigits", () => {
  it("knows how many digits Stripe's minor unit has", () => {
    expect(minorUnitDigits("USD")).toBe(2);
    expect(minorUnitDigits("jpy")).toBe(0);
    expect(minorUnitDigits("kwd")).toBe(3);
  });
});
