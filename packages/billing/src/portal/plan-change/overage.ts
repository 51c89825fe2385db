import { planAllowances, type Db } from "@folio/db";
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Clock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { meteredPriceLookupKey } from "../../overage/names.ts";
import { recordHooks } from "../../records/index.ts";
import { callStripe } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import type { CatalogRecurringPrice } from "./catalog.ts";

// Metered overage on a plan change: a plan whose allowance bills overage through Stripe carries
// one metered price per meter (see overage/setup.ts). Those items bill usage in arrears and are
// never prorated; a change swaps them for the new plan's prices on the same meter, removes them,
// or adds the new plan's.

/** The new plan's metered overage price on one Stripe meter. */
export interface OveragePrice {
  priceId: string;
  meterId: string;
}

export const isMeteredItem = (i: Stripe.SubscriptionItem) =>
  i.price.recurring?.usage_type === "metered";

/** The Stripe meter a metered item bills (null for a legacy usage-record price). */
export const meterOf = (i: Stripe.SubscriptionItem) => i.price.recurring?.meter ?? null;

/**
 * The metered overage prices of `plan` for its currency and interval, found by the lookup keys
 * the overage setup gives them. A metered allowance without its price (the setup was not run for
 * this currency or interval) refuses the change rather than dropping the overage billing.
 */
export async function overagePricesFor(
  deps: { db: Db; stripe: Stripe },
  plan: CatalogRecurringPrice,
  doing: string,
): Promise<OveragePrice[]> {
  const allowances = await deps.db
    .select({ productKey: planAllowances.productKey, meterKey: planAllowances.meterKey })
    .from(planAllowances)
    .where(
      and(
        eq(planAllowances.stripeProductId, plan.productId),
        eq(planAllowances.overage, "metered"),
      ),
    );
  if (allowances.length === 0) return [];
  const recurring = { interval: plan.interval, interval_count: plan.intervalCount };
  const keys = allowances.map((a) =>
    meteredPriceLookupKey(a.productKey, a.meterKey, plan.currency, recurring),
  );
  const found = await callStripe(doing, () =>
    deps.stripe.prices.list({ lookup_keys: keys, active: true, limit: 100 }),
  );
  return keys.map((key) => {
    const price = found.data.find((p) => p.lookup_key === key);
    const meterId = price?.recurring?.meter;
    if (!price || !meterId) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `${plan.productName} billed every ${plan.interval} can't be chosen here yet: its usage pricing isn't set up. Contact support to switch.`,
      );
    }
    return { priceId: price.id, meterId };
  });
}

/**
 * `items` entries moving the metered items to `target`: the item on a meter the new plan also
 * bills takes its price (usage reported from then on is billed at it), an item on a meter it does
 * not bill is deleted, and a meter only the new plan bills gets a new item. Metered items carry
 * no quantity.
 */
export function overageUpdateItems(
  current: Stripe.SubscriptionItem[],
  target: OveragePrice[],
): Stripe.SubscriptionUpdateParams.Item[] {
  const updates: Stripe.SubscriptionUpdateParams.Item[] = [];
  for (const item of current) {
    const next = target.find((t) => t.meterId === meterOf(item));
    if (!next) updates.push({ id: item.id, deleted: true });
    else if (next.priceId !== item.price.id) updates.push({ id: item.id, price: next.priceId });
  }
  for (const t of target) {
    if (!current.some((i) => meterOf(i) === t.meterId)) updates.push({ price: t.priceId });
  }
  return updates;
}

export const BILLING_MODE_MIGRATED = "subscription.billing_mode_migrated";

/**
 * Stripe bills the usage a metered price counted so far when it leaves mid-period only in
 * flexible billing mode; in classic mode that usage would go unbilled. A classic subscription
 * with metered items is moved to flexible (Stripe's default for new subscriptions, and one way)
 * before its change is previewed, so the preview and the change both bill it.
 */
export async function flexibleForOverage(
  deps: { db: Db; stripe: Stripe; clock: Clock },
  subscription: Stripe.Subscription,
  userId: string,
  doing: string,
): Promise<Stripe.Subscription> {
  if (subscription.billing_mode.type !== "classic") return subscription;
  if (!subscription.items.data.some(isMeteredItem)) return subscription;
  const migrated = await callStripe(doing, () =>
    deps.stripe.subscriptions.migrate(
      subscription.id,
      { billing_mode: { type: "flexible" } },
      { idempotencyKey: `folio-billing-mode-flexible-${subscription.id}` },
    ),
  );
  await storeStripeResult(
    { ...deps, hooks: recordHooks },
    {
      object: migrated,
      actor: { type: "customer", userId },
      audit: {
        action: BILLING_MODE_MIGRATED,
        target: `subscription:${subscription.id}`,
        before: { billingMode: "classic" },
        after: { billingMode: "flexible", reason: "plan change with metered overage" },
      },
    },
  );
  return migrated;
}
