import { stripePrices, stripeProducts, type Db } from "@folio/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { MANAGED } from "../catalog/push.ts";
import { PRODUCT_KINDS, type ProductKind } from "../catalog/schema.ts";

// What the pricing page and the shop sell: the catalog as the mirror holds it (pushed by
// `pushCatalog`, synced from Stripe), never the catalog file, so a price archived in Stripe stops
// being offered as soon as its event is applied.

export interface CatalogPriceView {
  id: string;
  lookupKey: string | null;
  nickname: string | null;
  currency: string;
  /** Minor units of `currency`. */
  unitAmount: number;
  /** Null for one-time prices. */
  interval: "day" | "week" | "month" | "year" | null;
  intervalCount: number | null;
  /** Trial the catalog gives subscribers of this price; null for none. */
  trialDays: number | null;
  /** Whether the price includes tax or has it added; null when the catalog leaves it unspecified. */
  taxBehavior: "inclusive" | "exclusive" | null;
}

export interface CatalogProductView {
  id: string;
  key: string;
  kind: ProductKind;
  name: string;
  description: string | null;
  features: string[];
  unitLabel: string | null;
  /** Plans: the tier a subscription grants. */
  tier: string | null;
  /** Add-ons: plan tiers it can be added to; null for every tier. */
  addonTiers: string[] | null;
  /** Physical goods: checkout collects a shipping address. */
  requiresShipping: boolean;
  /** Credit packs: credits per unit bought. */
  credits: number | null;
  prices: CatalogPriceView[];
}

export interface SellableCatalog {
  plans: CatalogProductView[];
  addons: CatalogProductView[];
  /** Physical goods, digital goods and credit packs (one-time prices). */
  oneTime: CatalogProductView[];
  /** Currencies any plan is priced in, most plans first. */
  currencies: string[];
}

const SHOP_ORDER: ProductKind[] = ["physical", "digital", "credits"];
const INTERVALS = new Set(["day", "week", "month", "year"]);
const DAYS_PER: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };

function stringArray(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((f) => (f as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === "string" && n !== "");
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : null;
}

/** A price's length in days, to order plans by what they cost per day. */
function perDay(p: CatalogPriceView): number {
  return p.unitAmount / ((DAYS_PER[p.interval ?? "month"] ?? 30) * (p.intervalCount ?? 1));
}

/** Active products the catalog manages, with their active flat-rate prices, from the mirror. */
export async function listSellableCatalog({ db }: { db: Db }): Promise<SellableCatalog> {
  const products = (
    await db
      .select({
        id: stripeProducts.id,
        name: stripeProducts.name,
        description: stripeProducts.description,
        metadata: stripeProducts.metadata,
        raw: stripeProducts.raw,
      })
      .from(stripeProducts)
      .where(and(eq(stripeProducts.active, true), isNull(stripeProducts.deletedAt)))
  ).filter(
    (p) =>
      p.metadata?.[MANAGED] === "true" &&
      (PRODUCT_KINDS as readonly string[]).includes(p.metadata.folio_kind ?? ""),
  );
  if (products.length === 0) return { plans: [], addons: [], oneTime: [], currencies: [] };

  const prices = await db
    .select({
      id: stripePrices.id,
      productId: stripePrices.productId,
      lookupKey: stripePrices.lookupKey,
      nickname: stripePrices.nickname,
      currency: stripePrices.currency,
      unitAmount: stripePrices.unitAmount,
      type: stripePrices.type,
      billingScheme: stripePrices.billingScheme,
      interval: stripePrices.recurringInterval,
      intervalCount: stripePrices.recurringIntervalCount,
      usageType: stripePrices.recurringUsageType,
      taxBehavior: stripePrices.taxBehavior,
      metadata: stripePrices.metadata,
      raw: stripePrices.raw,
    })
    .from(stripePrices)
    .where(
      and(
        inArray(
          stripePrices.productId,
          products.map((p) => p.id),
        ),
        eq(stripePrices.active, true),
        isNull(stripePrices.deletedAt),
      ),
    );

  const views: CatalogProductView[] = products.map((p) => {
    const m = p.metadata ?? {};
    const kind = m.folio_kind as ProductKind;
    const recurringKind = kind === "plan" || kind === "addon";
    const own = prices
      .filter(
        (price) =>
          price.productId === p.id &&
          price.unitAmount !== null &&
          (price.billingScheme ?? "per_unit") === "per_unit" &&
          // A plan is sold by licence (quantity), not metered; goods are sold one-time.
          (recurringKind
            ? price.type === "recurring" &&
              INTERVALS.has(price.interval ?? "") &&
              (price.usageType ?? "licensed") === "licensed"
            : price.type === "one_time"),
      )
      .map((price): CatalogPriceView => ({
        id: price.id,
        lookupKey: price.lookupKey,
        nickname: price.nickname,
        currency: price.currency,
        unitAmount: price.unitAmount ?? 0,
        interval: (price.interval as CatalogPriceView["interval"]) ?? null,
        intervalCount: price.intervalCount,
        trialDays:
          positiveInt(price.metadata?.folio_trial_days) ??
          positiveInt(
            (price.raw.recurring as { trial_period_days?: unknown } | null)?.trial_period_days,
          ),
        taxBehavior:
          price.taxBehavior === "inclusive" || price.taxBehavior === "exclusive"
            ? price.taxBehavior
            : null,
      }))
      .sort(
        (a, b) =>
          a.currency.localeCompare(b.currency) || perDay(b) - perDay(a) || a.id.localeCompare(b.id),
      );
    const unitLabel = p.raw.unit_label;
    return {
      id: p.id,
      key: m.folio_key ?? p.id,
      kind,
      name: p.name,
      description: p.description,
      features: stringArray(p.raw.marketing_features),
      unitLabel: typeof unitLabel === "string" && unitLabel !== "" ? unitLabel : null,
      tier: m.folio_plan_tier ?? null,
      addonTiers: m.folio_addon_tiers ? m.folio_addon_tiers.split(",") : null,
      requiresShipping: m.folio_requires_shipping === "true",
      credits: positiveInt(m.folio_credits),
      prices: own,
    };
  });

  const sellable = views.filter((v) => v.prices.length > 0);
  // Cheapest first: plans by their cheapest daily rate, goods by their lowest price.
  const cheapest = (v: CatalogProductView) => Math.min(...v.prices.map(perDay));
  const byPrice = (a: CatalogProductView, b: CatalogProductView) =>
    cheapest(a) - cheapest(b) || a.name.localeCompare(b.name);
  const plans = sellable.filter((v) => v.kind === "plan").sort(byPrice);
  const counts = new Map<string, number>();
  for (const plan of plans) {
    for (const c of new Set(plan.prices.map((p) => p.currency))) {
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return {
    plans,
    addons: sellable.filter((v) => v.kind === "addon").sort(byPrice),
    oneTime: sellable
      .filter((v) => v.kind !== "plan" && v.kind !== "addon")
      .sort((a, b) => SHOP_ORDER.indexOf(a.kind) - SHOP_ORDER.indexOf(b.kind) || byPrice(a, b)),
    currencies: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c),
  };
}
