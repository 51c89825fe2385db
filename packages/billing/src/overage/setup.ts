import { meters, planAllowances } from "@folio/db";
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Catalog } from "../catalog/schema.ts";
import { callStripe } from "../stripe-errors.ts";
import { meteredPriceLookupKey, stripeEventName } from "./names.ts";
import type { OverageDeps } from "./report.ts";

// The Stripe side of `metered` overage: one billing meter per Folio meter that some plan bills
// past its allowance, and per such plan a metered price on that meter for each interval the plan
// is sold at. Run after the catalog push and syncUsageCatalog; running it again changes nothing.
// The prices are not `folio_managed`: the catalog push neither sells nor archives them.

export interface OverageSetupReport {
  meters: { key: string; stripeMeterId: string; action: "created" | "found" | "reactivated" }[];
  prices: { lookupKey: string; priceId: string; action: "created" | "unchanged" }[];
  /** Plans not pushed yet (no Stripe product): nothing to attach a price to. */
  skipped: string[];
}

async function findMeterByEventName(
  stripe: Stripe,
  eventName: string,
): Promise<Stripe.Billing.Meter | null> {
  for await (const meter of stripe.billing.meters.list({ limit: 100 })) {
    if (meter.event_name === eventName) return meter;
  }
  return null;
}

/** The Stripe meter for a Folio meter: the stored one, one already named for it, or a new one. */
async function ensureMeter(
  deps: OverageDeps,
  key: string,
  name: string,
): Promise<OverageSetupReport["meters"][number]> {
  const { db, stripe, clock } = deps;
  const row = await db
    .select({ id: meters.stripeMeterId })
    .from(meters)
    .where(eq(meters.key, key))
    .get();
  let meter: Stripe.Billing.Meter | null = row?.id
    ? await stripe.billing.meters.retrieve(row.id)
    : null;
  let action: "created" | "found" | "reactivated" = "found";
  meter ??= await findMeterByEventName(stripe, stripeEventName(key));
  if (!meter) {
    // Folio reports already-aggregated overage quantities, so Stripe sums them whatever the
    // Folio meter's own aggregation.
    meter = await stripe.billing.meters.create(
      {
        display_name: name,
        event_name: stripeEventName(key),
        default_aggregation: { formula: "sum" },
      },
      { idempotencyKey: `folio-overage-meter-${key}` },
    );
    action = "created";
  } else if (meter.status !== "active") {
    meter = await stripe.billing.meters.reactivate(meter.id);
    action = "reactivated";
  }
  if (row?.id !== meter.id) {
    await db
      .update(meters)
      .set({ stripeMeterId: meter.id, updatedAt: clock.now() })
      .where(eq(meters.key, key));
  }
  return { key, stripeMeterId: meter.id, action };
}

/** The metered price for one plan, meter and interval at the catalog's unit amount. */
async function ensurePrice(
  stripe: Stripe,
  input: {
    productId: string;
    productKey: string;
    meterKey: string;
    meterId: string;
    currency: string;
    unitAmount: string;
    recurring: { interval: Stripe.Price.Recurring.Interval; interval_count: number };
  },
): Promise<OverageSetupReport["prices"][number]> {
  const lookupKey = meteredPriceLookupKey(
    input.productKey,
    input.meterKey,
    input.currency,
    input.recurring,
  );
  const [have] = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true })).data;
  if (
    have &&
    have.recurring?.meter === input.meterId &&
    have.currency === input.currency &&
    String(have.unit_amount_decimal) === input.unitAmount
  ) {
    return { lookupKey, priceId: have.id, action: "unchanged" };
  }
  const created = await stripe.prices.create(
    {
      product: input.productId,
      currency: input.currency,
      unit_amount_decimal: Stripe.Decimal.from(input.unitAmount),
      recurring: { ...input.recurring, usage_type: "metered", meter: input.meterId },
      lookup_key: lookupKey,
      transfer_lookup_key: have !== undefined,
      nickname: `Overage: ${input.meterKey}`,
      metadata: {
        folio_overage: "true",
        folio_product_key: input.productKey,
        folio_meter_key: input.meterKey,
      },
    },
    {
      idempotencyKey: `folio-overage-price-${lookupKey}-${input.meterId}-${input.unitAmount}-${have?.id ?? "new"}`,
    },
  );
  if (have) await stripe.prices.update(have.id, { active: false });
  return { lookupKey, priceId: created.id, action: "created" };
}

export async function setupOverageBilling(
  deps: OverageDeps,
  catalog: Catalog,
): Promise<OverageSetupReport> {
  const report: OverageSetupReport = { meters: [], prices: [], skipped: [] };
  const metered = catalog.products.flatMap((product) =>
    (product.allowances ?? [])
      .filter((a) => a.overage === "metered")
      .map((allowance) => ({ product, allowance })),
  );
  const meterIds = new Map<string, string>();
  for (const key of new Set(metered.map((m) => m.allowance.meter))) {
    const name = catalog.meters.find((m) => m.key === key)?.name ?? key;
    const done = await callStripe(`set up the Stripe meter for ${key}`, () =>
      ensureMeter(deps, key, name),
    );
    meterIds.set(key, done.stripeMeterId);
    report.meters.push(done);
  }
  for (const { product, allowance } of metered) {
    const where = and(
      eq(planAllowances.productKey, product.key),
      eq(planAllowances.meterKey, allowance.meter),
    );
    const row = await deps.db
      .select({ productId: planAllowances.stripeProductId })
      .from(planAllowances)
      .where(where)
      .get();
    const meterId = meterIds.get(allowance.meter);
    if (!row?.productId || !meterId || allowance.overageUnitAmount === undefined) {
      report.skipped.push(product.key);
      continue;
    }
    // One price per currency and interval the plan is sold at.
    const billed = new Map<
      string,
      {
        currency: string;
        recurring: { interval: "day" | "week" | "month" | "year"; interval_count: number };
      }
    >();
    for (const price of product.prices) {
      if (!price.recurring) continue;
      const currency = price.currency ?? catalog.currency;
      const recurring = {
        interval: price.recurring.interval,
        interval_count: price.recurring.intervalCount,
      };
      billed.set(`${currency}:${recurring.interval_count}${recurring.interval}`, {
        currency,
        recurring,
      });
    }
    let first: string | null = null;
    for (const { currency, recurring } of billed.values()) {
      const done = await callStripe(`set up the overage price of ${product.key}`, () =>
        ensurePrice(deps.stripe, {
          productId: row.productId!,
          productKey: product.key,
          meterKey: allowance.meter,
          meterId,
          currency,
          unitAmount: allowance.overageUnitAmount!,
          recurring,
        }),
      );
      first ??= done.priceId;
      report.prices.push(done);
    }
    await deps.db
      .update(planAllowances)
      .set({ stripeMeteredPriceId: first, updatedAt: deps.clock.now() })
      .where(where);
  }
  return report;
}

/** One line per Stripe object the overage setup made or found, for the CLI. */
export function formatOverageSetupReport(r: OverageSetupReport): string {
  return [
    ...r.meters.map((m) => `overage meter ${m.key}: ${m.action} (${m.stripeMeterId})`),
    ...r.prices.map((p) => `overage price ${p.lookupKey}: ${p.action} (${p.priceId})`),
    ...r.skipped.map((k) => `overage for ${k}: skipped (the plan is not in Stripe yet)`),
  ].join("\n");
}
