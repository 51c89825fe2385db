import { describe, expect, it } from "vitest";
import {
  annualSaving,
  bestSavingPercent,
  pickCurrency,
  priceFor,
  seatPriceFor,
  type Plan,
} from "./pricing";

const price = (id: string, currency: string, interval: "month" | "year", unitAmount: number) => ({
  id,
  lookupKey: id,
  nickname: null,
  currency,
  unitAmount,
  interval,
  intervalCount: 1,
  trialDays: null,
  taxBehavior: null,
});

const plan = (tier: string, prices: ReturnType<typeof price>[]): Plan => ({
  id: `prod_${tier}`,
  key: tier,
  kind: "plan",
  name: tier,
  description: null,
  features: [],
  unitLabel: null,
  tier,
  addonTiers: null,
  requiresShipping: false,
  credits: null,
  prices,
});

const plus = plan("plus", [
  price("pm", "usd", "month", 600),
  price("pa", "usd", "year", 6000),
  price("pme", "eur", "month", 550),
]);
const pro = plan("pro", [price("rm", "usd", "month", 1400), price("ra", "usd", "year", 11200)]);

describe("pricing helpers", () => {
  it("finds a plan's price by currency and interval", () => {
    expect(priceFor(plus, "eur", "month")?.id).toBe("pme");
    expect(priceFor(plus, "eur", "year")).toBeUndefined();
  });

  it("computes the annual saving against twelve monthly payments", () => {
    expect(annualSaving(plus.prices[0], plus.prices[1])).toEqual({ amount: 1200, percent: 17 });
    expect(annualSaving(plus.prices[0], undefined)).toBeNull();
    expect(annualSaving(plus.prices[0], price("x", "usd", "year", 7200))).toBeNull();
    expect(bestSavingPercent([plus, pro], "usd")).toBe(33);
    expect(bestSavingPercent([plus, pro], "eur")).toBeNull();
  });

  it("shows the customer's own currency first, then the visitor's choice, then USD", () => {
    expect(pickCurrency(["eur", "usd"], "eur", "usd")).toBe("eur");
    expect(pickCurrency(["eur", "usd"], null, "eur")).toBe("eur");
    expect(pickCurrency(["eur", "usd"], "gbp", undefined)).toBe("usd");
    expect(pickCurrency([], null, undefined)).toBeUndefined();
  });

  it("offers seats only with the tiers the add-on names", () => {
    const seat = {
      ...plan("seat", [price("sm", "usd", "month", 400)]),
      kind: "addon" as const,
      addonTiers: ["pro"],
    };
    expect(seatPriceFor([seat], pro, "usd", "month")?.price.id).toBe("sm");
    expect(seatPriceFor([seat], plus, "usd", "month")).toBeUndefined();
    expect(seatPriceFor([seat], pro, "usd", "year")).toBeUndefined();
  });
});
