import { describe, expect, it } from "vitest";
import { currentChoice, intervalsOf, plansByProduct, resolveChoice } from "./plan";
import type { PlanOptions, PlanPrice } from "./types";

const price = (
  product: string,
  tier: string | null,
  interval: "month" | "year",
  unitAmount: number,
  addonTiers: string[] | null = null,
): PlanPrice => ({
  priceId: `price_${product}_${interval}`,
  productId: `prod_${product}`,
  productName: product,
  description: null,
  features: [],
  tier,
  addonTiers,
  unitLabel: null,
  nickname: null,
  lookupKey: null,
  unitAmount,
  currency: "eur",
  interval,
  intervalCount: 1,
});

const plus = [price("Plus", "plus", "month", 600), price("Plus", "plus", "year", 6000)];
const pro = [price("Pro", "pro", "month", 1400)];
const seats = [
  price("Seat", null, "month", 400, ["pro"]),
  price("Seat", null, "year", 4000, ["pro"]),
];

const options: PlanOptions = {
  subscription: {
    id: "sub_1",
    status: "active",
    currency: "eur",
    interval: "month",
    intervalCount: 1,
    periodEnd: "2026-02-01T00:00:00.000Z",
    trialEnd: null,
    plan: { priceId: "price_Pro_month", productName: "Pro", unitAmount: 1400 },
    seats: { priceId: "price_Seat_month", quantity: 2, unitAmount: 400 },
    amount: 2200,
  },
  blocked: null,
  plans: [...plus, ...pro],
  seatPrices: seats,
  pending: null,
};

describe("plan helpers", () => {
  it("groups prices by plan and lists the periods on offer", () => {
    expect(plansByProduct(options.plans).map((p) => [p.productId, p.prices.length])).toEqual([
      ["prod_Plus", 2],
      ["prod_Pro", 1],
    ]);
    expect(intervalsOf(options.plans)).toEqual(["month", "year"]);
  });

  it("starts from the subscription as it is, which is no change", () => {
    const start = currentChoice(options.subscription!, options.plans);
    expect(start).toEqual({ productId: "prod_Pro", interval: "month", seats: 2 });
    expect(resolveChoice(options, start)).toMatchObject({ seats: 2, changed: false });
    expect(resolveChoice(options, { ...start, seats: 3 })).toMatchObject({ changed: true });
  });

  it("drops seats on a plan that cannot have them, and offers none where a period is missing", () => {
    const toPlus = resolveChoice(options, { productId: "prod_Plus", interval: "month", seats: 2 });
    expect(toPlus).toMatchObject({ seats: 0, seat: undefined, changed: true });
    expect(toPlus.plan?.priceId).toBe("price_Plus_month");
    const proAnnual = resolveChoice(options, { productId: "prod_Pro", interval: "year", seats: 2 });
    expect(proAnnual).toMatchObject({ plan: undefined, changed: false });
  });
});
