import type { SubscriptionHistoryDiscount, SubscriptionHistoryItem } from "@folio/db";
import { describe, expect, it } from "vitest";
import type { MrrSnapshot } from "./api.ts";
import { customerMovements, subscriptionSteps, type HistoryState } from "./movements.ts";
import { subscriptionMrr, subscriptionMrrByProduct } from "./mrr.ts";
import { DEFAULT_METRIC_SETTINGS } from "./settings.ts";

// Hand-computed answers for the MRR definition and the movement rules (docs/METRICS.md,
// "Golden tests" — the pure ones; the emulator-driven ones are in metrics.test.ts).

const T0 = Date.UTC(2026, 0, 10, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const item = (over: Partial<SubscriptionHistoryItem> = {}): SubscriptionHistoryItem => ({
  subscriptionItemId: "si_1",
  priceId: "price_pro",
  productId: "prod_pro",
  quantity: 1,
  unitAmount: 1500,
  interval: "month",
  intervalCount: 1,
  ...over,
});

const coupon = (over: Partial<SubscriptionHistoryDiscount>): SubscriptionHistoryDiscount => ({
  id: "di_1",
  couponId: "co_1",
  percentOff: null,
  amountOff: null,
  currency: null,
  duration: "forever",
  end: null,
  ...over,
});

const snap = (over: Partial<MrrSnapshot> = {}): MrrSnapshot => ({
  status: "active",
  currency: "usd",
  items: [item()],
  discounts: [],
  cancelAtPeriodEnd: false,
  cancelAt: null,
  paused: false,
  ...over,
});

describe("subscriptionMrr", () => {
  it.each([
    ["monthly $15", item(), 1500],
    ["annual $120 → $10", item({ unitAmount: 12000, interval: "year" }), 1000],
    ["quarterly $30 → $10", item({ unitAmount: 3000, intervalCount: 3 }), 1000],
    ["weekly $10 → $10 × 52 ÷ 12 = $43.33", item({ unitAmount: 1000, interval: "week" }), 4333],
    ["daily $1 → $1 × 365 ÷ 12 = $30.42", item({ unitAmount: 100, interval: "day" }), 3042],
    ["3 seats × $15", item({ quantity: 3 }), 4500],
    ["metered: usage is not MRR", item({ usageType: "metered" }), 0],
    ["tiered price without a unit amount", item({ unitAmount: null }), 0],
  ])("%s", (_, it1, expected) => {
    expect(subscriptionMrr(snap({ items: [it1] }), T0)).toBe(expected);
  });

  it("adds items and leaves a metered one out", () => {
    const s = snap({
      items: [
        item(),
        item({ subscriptionItemId: "si_2", productId: "prod_seat", unitAmount: 500, quantity: 4 }),
        item({ subscriptionItemId: "si_3", productId: "prod_api", usageType: "metered" }),
      ],
    });
    expect(subscriptionMrr(s, T0)).toBe(3500);
    expect(subscriptionMrrByProduct(s, T0)).toEqual(
      new Map([
        ["prod_pro", 1500],
        ["prod_seat", 2000],
      ]),
    );
  });

  it("counts forever and repeating coupons while they apply, never once-coupons", () => {
    const pct = (d: Partial<SubscriptionHistoryDiscount>) =>
      snap({ discounts: [coupon({ percentOff: 20, ...d })] });
    expect(subscriptionMrr(pct({ duration: "forever" }), T0)).toBe(1200);
    expect(subscriptionMrr(pct({ duration: "once" }), T0)).toBe(1500);
    const repeating = pct({ duration: "repeating", end: (T0 + 30 * DAY) / 1000 });
    expect(subscriptionMrr(repeating, T0)).toBe(1200);
    expect(subscriptionMrr(repeating, T0 + 30 * DAY)).toBe(1500);
  });

  it("takes a fixed amount off each invoice, then normalises (annual $120 − $24 → $8)", () => {
    const s = snap({
      items: [item({ unitAmount: 12000, interval: "year" })],
      discounts: [coupon({ amountOff: 2400, currency: "usd" })],
    });
    expect(subscriptionMrr(s, T0)).toBe(800);
    // An amount-off coupon in another currency cannot apply; one larger than the price floors at 0.
    expect(
      subscriptionMrr({ ...s, discounts: [coupon({ amountOff: 2400, currency: "eur" })] }, T0),
    ).toBe(1000);
    expect(
      subscriptionMrr({ ...s, discounts: [coupon({ amountOff: 99999, currency: "usd" })] }, T0),
    ).toBe(0);
  });

  it.each([
    ["trialing", { status: "trialing" }, 0],
    ["paused", { paused: true }, 0],
    ["past_due still counts", { status: "past_due" }, 1500],
    ["unpaid", { status: "unpaid" }, 0],
    ["incomplete", { status: "incomplete" }, 0],
    ["canceled", { status: "canceled" }, 0],
    ["cancel at period end (default: counts until it ends)", { cancelAtPeriodEnd: true }, 1500],
  ] as const)("%s", (_, over, expected) => {
    expect(subscriptionMrr(snap(over), T0)).toBe(expected);
  });

  it("recognises churn at the cancellation request when set to", () => {
    const settings = { ...DEFAULT_METRIC_SETTINGS, churnAtCancelRequest: true };
    expect(subscriptionMrr(snap({ cancelAtPeriodEnd: true }), T0, settings)).toBe(0);
    expect(subscriptionMrr(snap({ cancelAt: new Date(T0 + DAY) }), T0, settings)).toBe(0);
  });
});

const row = (sub: string, at: number, over: Partial<MrrSnapshot> = {}, id = at): HistoryState => ({
  subscriptionId: sub,
  effectiveAt: at,
  id,
  ...snap(over),
});

const subs = (...rows: HistoryState[]) => {
  const m = new Map<string, { currency: string; rows: HistoryState[] }>();
  for (const r of rows) {
    const entry = m.get(r.subscriptionId) ?? { currency: r.currency, rows: [] };
    entry.rows.push(r);
    m.set(r.subscriptionId, entry);
  }
  return m;
};

const brief = (ms: ReturnType<typeof customerMovements>) =>
  ms.map((m) => [m.kind, m.amount, m.currency, (m.at - T0) / HOUR]);

describe("customerMovements", () => {
  const settings = DEFAULT_METRIC_SETTINGS;

  it("trial → paid is new when the trial converts, not when it starts", () => {
    const ms = customerMovements(
      subs(row("sub_a", T0, { status: "trialing" }), row("sub_a", T0 + 7 * 24 * HOUR)),
      settings,
    );
    expect(brief(ms)).toEqual([["new", 1500, "usd", 7 * 24]]);
  });

  it("nets changes within the same hour: an upgrade undone 20 minutes later is no movement", () => {
    const ms = customerMovements(
      subs(
        row("sub_a", T0),
        row("sub_a", T0 + 5 * HOUR, { items: [item({ unitAmount: 4000 })] }),
        row("sub_a", T0 + 5 * HOUR + 20 * 60_000),
      ),
      settings,
    );
    expect(brief(ms)).toEqual([["new", 1500, "usd", 0]]);
  });

  it("two subscriptions: ending one is contraction; churn only when the last ends", () => {
    const ms = customerMovements(
      subs(
        row("sub_a", T0),
        row("sub_b", T0 + 2 * HOUR, { items: [item({ unitAmount: 1000 })] }),
        row("sub_a", T0 + 10 * DAY, { status: "canceled" }),
        row("sub_b", T0 + 20 * DAY, { status: "canceled", items: [item({ unitAmount: 1000 })] }),
      ),
      settings,
    );
    expect(brief(ms)).toEqual([
      ["new", 1500, "usd", 0],
      ["expansion", 1000, "usd", 2],
      ["contraction", -1500, "usd", 240],
      ["churn", -1000, "usd", 480],
    ]);
    expect(ms[1]!.subscriptionIds).toEqual(["sub_b"]);
    expect(ms[1]!.subscriptionsAfter).toEqual(["sub_a", "sub_b"]);
  });

  it("a customer coming back is reactivation; each currency on its own", () => {
    const ms = customerMovements(
      subs(
        row("sub_a", T0),
        row("sub_a", T0 + DAY, { status: "canceled" }),
        row("sub_e", T0 + 2 * DAY, { currency: "eur", items: [item({ unitAmount: 900 })] }),
        row("sub_b", T0 + 3 * DAY),
      ),
      settings,
    );
    expect(brief(ms)).toEqual([
      ["new", 1500, "usd", 0],
      ["churn", -1500, "usd", 24],
      ["new", 900, "eur", 48],
      ["reactivation", 1500, "usd", 72],
    ]);
  });

  it("a repeating coupon running out is expansion on the day it ends, with no event", () => {
    const end = T0 + 90 * DAY;
    const steps = subscriptionSteps(
      [
        row("sub_a", T0, {
          discounts: [coupon({ percentOff: 50, duration: "repeating", end: end / 1000 })],
        }),
      ],
      settings,
    );
    expect(steps).toEqual([
      { at: T0, mrr: 750 },
      { at: end, mrr: 1500 },
    ]);
  });

  describe("past_due", () => {
    const history = (recovered: boolean) =>
      subs(
        row("sub_a", T0),
        row("sub_a", T0 + 30 * DAY, { status: "past_due" }),
        recovered
          ? row("sub_a", T0 + 40 * DAY)
          : row("sub_a", T0 + 51 * DAY, { status: "canceled" }),
      );

    it("by default counts until Stripe cancels it: recovered = no movement, churned = churn at the end", () => {
      expect(brief(customerMovements(history(true), settings))).toEqual([["new", 1500, "usd", 0]]);
      expect(brief(customerMovements(history(false), settings))).toEqual([
        ["new", 1500, "usd", 0],
        ["churn", -1500, "usd", 51 * 24],
      ]);
    });

    it("with 'churn after 14 days': recovered within 14 days = no movement; churned at day 14", () => {
      const s = { ...settings, pastDueChurnDays: 14 };
      expect(brief(customerMovements(history(true), s))).toEqual([["new", 1500, "usd", 0]]);
      expect(brief(customerMovements(history(false), s))).toEqual([
        ["new", 1500, "usd", 0],
        ["churn", -1500, "usd", 44 * 24],
      ]);
    });
  });
});
