import type { Db } from "@folio/db";
import { listSellableCatalog, type CatalogProductView } from "../catalog.ts";

// The part of the sellable catalog (listSellableCatalog, the pricing page's reader) a plan
// change chooses from: the recurring prices of plans and of the seat add-on in one currency.

export type Interval = "day" | "week" | "month" | "year";

export interface CatalogRecurringPrice {
  priceId: string;
  productId: string;
  productName: string;
  description: string | null;
  features: string[];
  /** `folio_plan_tier` of a plan ("plus", "pro"); null for the add-on. */
  tier: string | null;
  /** Add-on: the plan tiers it can be added to; null for every tier. */
  addonTiers: string[] | null;
  unitLabel: string | null;
  nickname: string | null;
  lookupKey: string | null;
  unitAmount: number;
  currency: string;
  interval: Interval;
  intervalCount: number;
}

export interface ChangeCatalog {
  plans: CatalogRecurringPrice[];
  seats: CatalogRecurringPrice[];
}

/** Approximate months in one billing period: only to order intervals (a year is longer than a month). */
export function monthsOf(p: { interval: Interval; intervalCount: number }): number {
  const per = { day: 1 / 30, week: 7 / 30, month: 1, year: 12 }[p.interval];
  return per * p.intervalCount;
}

function pricesIn(products: CatalogProductView[], currency: string): CatalogRecurringPrice[] {
  return products.flatMap((product) =>
    product.prices
      .filter((p) => p.currency === currency && p.interval !== null)
      .map((p) => ({
        priceId: p.id,
        productId: product.id,
        productName: product.name,
        description: product.description,
        features: product.features,
        tier: product.tier,
        addonTiers: product.addonTiers,
        unitLabel: product.unitLabel,
        nickname: p.nickname,
        lookupKey: p.lookupKey,
        unitAmount: p.unitAmount,
        currency: p.currency,
        interval: p.interval as Interval,
        intervalCount: p.intervalCount ?? 1,
      })),
  );
}

/**
 * Plans and the seat add-on in `currency` (a subscription cannot mix currencies), in the
 * pricing page's order (cheapest plan first). The seat add-on is the catalog's add-on sold per
 * seat (`unit_label` "seat"), or its only add-on.
 */
export async function changeCatalog(db: Db, currency: string): Promise<ChangeCatalog> {
  const sellable = await listSellableCatalog({ db });
  const c = currency.toLowerCase();
  const seatAddon =
    sellable.addons.find((a) => a.unitLabel === "seat") ??
    (sellable.addons.length === 1 ? sellable.addons[0] : undefined);
  return {
    plans: pricesIn(sellable.plans, c),
    seats: seatAddon ? pricesIn([seatAddon], c) : [],
  };
}

/** The seat price billed on the same schedule as `plan`, if seats can be added to its tier. */
export function seatPriceFor(
  catalog: ChangeCatalog,
  plan: CatalogRecurringPrice,
): CatalogRecurringPrice | null {
  return (
    catalog.seats.find(
      (s) =>
        s.interval === plan.interval &&
        s.intervalCount === plan.intervalCount &&
        (s.addonTiers === null || (plan.tier !== null && s.addonTiers.includes(plan.tier))),
    ) ?? null
  );
}
