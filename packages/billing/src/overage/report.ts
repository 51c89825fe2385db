import {
  billingCustomers,
  meters,
  planAllowances,
  stripeSubscriptionItems,
  usageCounters,
  type Db,
} from "@folio/db";
import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import type { Clock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { isStripeError } from "../stripe-errors.ts";
import { storeStripeResult } from "../sync/write-path.ts";
import { meteredPriceLookupKey, stripeEventName } from "./names.ts";

// Overage on `metered` plans reaches Stripe as billing-meter events: one per usage counter
// (customer × meter × billing period) per reporting run, carrying everything not reported yet —
// never one per usage event. A report is pinned before it is sent (the job that sends it is keyed
// by the counter and the quantity already reported, and carries the quantity to report up to),
// and its Stripe identifier is derived from the same pair, so a run repeated after a crash,
// a retried job or a second instance sends nothing twice.

export const ACTOR: Actor = { type: "job", name: "usage.report_overage" };

export const overageReportPayload = z.object({
  counterId: z.number().int().positive(),
  /** `overage_reported` when the report was planned. */
  from: z.number().int().nonnegative(),
  /** `overage_quantity` then: the report covers (from, to]. */
  to: z.number().int().positive(),
});
export type OverageReport = z.infer<typeof overageReportPayload>;

export interface OverageDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}

/** Counters with overage Stripe has not heard about (of one subscription, if given), oldest
 * period first (the partial index). */
export async function unreportedOverage(
  db: Db,
  limit: number,
  subscriptionId?: string,
): Promise<OverageReport[]> {
  const rows = await db
    .select({
      counterId: usageCounters.id,
      from: usageCounters.overageReported,
      to: usageCounters.overageQuantity,
    })
    .from(usageCounters)
    .where(
      and(
        gt(usageCounters.overageQuantity, usageCounters.overageReported),
        subscriptionId === undefined ? undefined : eq(usageCounters.subscriptionId, subscriptionId),
      ),
    )
    .orderBy(asc(usageCounters.periodEnd), asc(usageCounters.id))
    .limit(limit);
  return rows;
}

/** The Stripe meter event identifier of a report: stable for the counter and starting point. */
export const overageIdentifier = (r: Pick<OverageReport, "counterId" | "from">) =>
  `folio_overage_${r.counterId}_${r.from}`;

function isDuplicateIdentifier(e: unknown): boolean {
  return (
    isStripeError(e) &&
    e.type === "StripeInvalidRequestError" &&
    /already exists with identifier/.test(e.message)
  );
}

/** What a counter's report needs from Folio's records, or why it cannot be sent. */
async function reportContext(db: Db, counterId: number) {
  const counter = await db
    .select()
    .from(usageCounters)
    .where(eq(usageCounters.id, counterId))
    .get();
  if (!counter) return null;
  const customer = await db
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, counter.userId))
    .get();
  const meter = await db
    .select({ stripeMeterId: meters.stripeMeterId })
    .from(meters)
    .where(eq(meters.key, counter.meterKey))
    .get();
  return { counter, stripeCustomerId: customer?.id ?? null, stripeMeterId: meter?.stripeMeterId };
}

/**
 * Puts the plan's metered overage price on the subscription if it is not there yet (Stripe then
 * bills the meter's usage on the renewal invoice). Looks at the mirror first and asks Stripe only
 * when the mirror has no such item, so a lagging webhook cannot cause a second item.
 */
async function ensureMeteredItem(
  deps: OverageDeps,
  subscriptionId: string,
  meterKey: string,
  stripeMeterId: string,
): Promise<void> {
  const mirrored = await deps.db
    .select({ raw: stripeSubscriptionItems.raw, productId: stripeSubscriptionItems.productId })
    .from(stripeSubscriptionItems)
    .where(
      and(
        eq(stripeSubscriptionItems.subscriptionId, subscriptionId),
        isNull(stripeSubscriptionItems.deletedAt),
      ),
    )
    .all();
  const hasMeter = (items: { price: Stripe.Price }[]) =>
    items.some((i) => i.price.recurring?.meter === stripeMeterId);
  if (hasMeter(mirrored.map((i) => i.raw as unknown as Stripe.SubscriptionItem))) return;
  const live = await deps.stripe.subscriptions.retrieve(subscriptionId);
  if (hasMeter(live.items.data)) return;
  const products = live.items.data.map((i) =>
    typeof i.price.product === "string" ? i.price.product : i.price.product.id,
  );
  const allowance = await deps.db
    .select({ productKey: planAllowances.productKey })
    .from(planAllowances)
    .where(
      and(
        eq(planAllowances.meterKey, meterKey),
        eq(planAllowances.overage, "metered"),
        inArray(planAllowances.stripeProductId, products.length ? products : [""]),
      ),
    )
    .get();
  const recurring = live.items.data[0]?.price.recurring;
  if (!allowance || !recurring) return;
  const lookupKey = meteredPriceLookupKey(allowance.productKey, meterKey, live.currency, recurring);
  const [price] = (await deps.stripe.prices.list({ lookup_keys: [lookupKey], active: true })).data;
  if (!price) throw new Error(`No metered price ${lookupKey}: run the catalog push first.`);
  await deps.stripe.subscriptionItems.create(
    { subscription: subscriptionId, price: price.id, proration_behavior: "none" },
    { idempotencyKey: `folio-overage-item-${subscriptionId}-${price.id}` },
  );
  const updated = await deps.stripe.subscriptions.retrieve(subscriptionId);
  await storeStripeResult(
    { ...deps, hooks: recordHooks },
    {
      object: updated,
      actor: ACTOR,
      audit: {
        action: "subscription.overage_item_added",
        target: `subscription:${subscriptionId}`,
        after: { price: price.id, meter: meterKey },
      },
    },
  );
}

/**
 * Sends one planned report: a meter event of `to - from` for the counter's customer, stamped
 * inside the counter's billing period, then moves `overage_reported` to `to` — only if it is
 * still `from` (a report already sent, or overtaken, changes nothing). Returns what happened.
 */
export async function sendOverageReport(
  deps: OverageDeps,
  report: OverageReport,
  /** Stamp the meter event a second before now: Stripe counts a price's usage over
   * [start, change), so a change made later in this second still bills it on the old price. */
  opts: { beforeNow?: boolean } = {},
): Promise<"sent" | "already_sent" | "stale" | "not_billable"> {
  const found = await reportContext(deps.db, report.counterId);
  if (!found || found.counter.overageReported !== report.from) return "stale";
  const { counter, stripeCustomerId, stripeMeterId } = found;
  if (!stripeCustomerId || !stripeMeterId || !counter.subscriptionId) return "not_billable";
  await ensureMeteredItem(deps, counter.subscriptionId, counter.meterKey, stripeMeterId);
  const now = deps.clock.now().getTime() - (opts.beforeNow ? 1000 : 0);
  const at = Math.max(
    counter.periodStart.getTime(),
    Math.min(now, counter.periodEnd.getTime() - 1000),
  );
  let outcome: "sent" | "already_sent" = "sent";
  try {
    await deps.stripe.billing.meterEvents.create({
      event_name: stripeEventName(counter.meterKey),
      payload: { stripe_customer_id: stripeCustomerId, value: String(report.to - report.from) },
      identifier: overageIdentifier(report),
      timestamp: Math.floor(at / 1000),
    });
  } catch (e) {
    // Stripe already has this report (sent before a crash lost the bookkeeping below).
    if (!isDuplicateIdentifier(e)) throw e;
    outcome = "already_sent";
  }
  await deps.db
    .update(usageCounters)
    .set({ overageReported: report.to, updatedAt: deps.clock.now() })
    .where(
      and(
        eq(usageCounters.id, report.counterId),
        eq(usageCounters.overageReported, sql`${report.from}`),
      ),
    );
  return outcome;
}

/**
 * Sends now the overage a subscription's counters have not reported yet. For a plan change about
 * to move the metered item to another price: Stripe bills what the leaving price counted at its
 * rate, so overage reported after the change (up to a reporting interval of it) would be billed
 * at the new plan's. Safe to repeat; the reporter's jobs planned for the same counters then find
 * nothing left to send. Returns how many reports went out.
 */
export async function reportPendingOverage(
  deps: OverageDeps,
  subscriptionId: string,
): Promise<number> {
  const pending = await unreportedOverage(deps.db, 100, subscriptionId);
  let sent = 0;
  for (const report of pending) {
    if ((await sendOverageReport(deps, report, { beforeNow: true })) === "sent") sent += 1;
  }
  return sent;
}
