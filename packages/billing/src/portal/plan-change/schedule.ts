import { stripePrices, stripeProducts } from "@folio/db";
import { eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { DomainError } from "../../errors.ts";
import { recordHooks } from "../../records/index.ts";
import { callStripe, stripeFailure } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import type { CustomerDeps, PlanChangeResult } from "./apply.ts";
import type { PhaseItem, PlannedChange } from "./change.ts";
import type { PlanChangeDeps } from "./preview.ts";
import { withInFlightRetry } from "./in-flight.ts";
import { ownedSubscription } from "./subscription.ts";

// Downgrades and shorter billing periods wait for the end of the period already paid for: a
// subscription schedule made from the subscription keeps the current items until the period
// ends, then switches to the new ones for one period and releases the subscription (which
// renews on the new items from then on).

export const PLAN_CHANGE_SCHEDULED = "subscription.plan_change_scheduled";
export const PLAN_CHANGE_CANCELED = "subscription.plan_change_canceled";
/** Schedule metadata naming the attempt that made it: marks schedules Folio made for a change. */
const ATTEMPT_KEY = "folio_plan_change_attempt";

const DOING = "schedule your plan change";

const store = (deps: PlanChangeDeps) => ({
  db: deps.db,
  stripe: deps.stripe,
  clock: deps.clock,
  hooks: recordHooks,
});

const phaseItems = (items: PhaseItem[]) =>
  items.map((i) => ({ price: i.price, ...(i.quantity !== undefined && { quantity: i.quantity }) }));

/** Creates the schedule and its two phases; undoes the schedule if the phases cannot be set. */
export async function scheduleChange(
  deps: CustomerDeps,
  change: PlannedChange,
  attemptId: string,
): Promise<PlanChangeResult> {
  const { subscription, periodEnd } = change.current;
  const key = `folio-plan-schedule-${deps.actor.userId}-${attemptId}`;
  const created = await withInFlightRetry(() =>
    callStripe(DOING, () =>
      deps.stripe.subscriptionSchedules.create(
        { from_subscription: subscription.id },
        { idempotencyKey: `${key}-create` },
      ),
    ),
  );
  const currentStart = created.phases[0]?.start_date ?? created.current_phase?.start_date;
  let schedule: Stripe.Response<Stripe.SubscriptionSchedule>;
  try {
    schedule = await withInFlightRetry(() =>
      deps.stripe.subscriptionSchedules.update(
        created.id,
        {
          end_behavior: "release",
          proration_behavior: "none",
          metadata: { [ATTEMPT_KEY]: attemptId },
          phases: [
            {
              items: phaseItems(change.currentItems),
              ...(currentStart !== undefined && { start_date: currentStart }),
              end_date: periodEnd,
            },
            {
              items: phaseItems(change.newItems),
              duration: {
                interval: change.plan.interval,
                interval_count: change.plan.intervalCount,
              },
            },
          ],
        },
        { idempotencyKey: `${key}-phases` },
      ),
    );
  } catch (e) {
    // The schedule exists but does not say what the customer asked for: take it away so the
    // subscription is exactly as before, then report the failure.
    try {
      await deps.stripe.subscriptionSchedules.release(
        created.id,
        {},
        { idempotencyKey: `${key}-undo` },
      );
    } catch {
      throw new DomainError(
        "UPSTREAM",
        `Could not ${DOING}, and a half-made change (${created.id}) is still attached to your subscription. Use "Cancel scheduled change" or contact support; nothing will be charged for it.`,
      );
    }
    throw stripeFailure(e, DOING);
  }

  const effectiveAt = new Date(periodEnd * 1000);
  const refreshed = await callStripe(DOING, () =>
    deps.stripe.subscriptions.retrieve(subscription.id),
  );
  // A second request of the same attempt got the first one's answers replayed: store, but
  // do not audit the change twice.
  const isReplay = schedule.lastResponse?.headers?.["idempotent-replayed"] === "true";
  await storeStripeResult(store(deps), {
    object: refreshed,
    actor: deps.actor,
    ...(!isReplay && {
      audit: {
        action: PLAN_CHANGE_SCHEDULED,
        target: `subscription:${subscription.id}`,
        before: { items: change.currentItems },
        after: {
          items: change.newItems,
          attemptId,
          scheduleId: schedule.id,
          effectiveAt: effectiveAt.toISOString(),
        },
      },
    }),
  });
  return { timing: "period_end", effectiveAt, invoice: null };
}

export interface PendingPlanChange {
  scheduleId: string;
  effectiveAt: Date;
  /** Made by Folio's plan change (else by staff or another tool: shown, still cancellable). */
  madeHere: boolean;
  items: Array<{
    priceId: string;
    productName: string | null;
    nickname: string | null;
    unitAmount: number | null;
    currency: string | null;
    interval: string | null;
    intervalCount: number | null;
    quantity: number;
    kind: string | null;
  }>;
}

/** The change a subscription's schedule will make next, read live from Stripe; null if none. */
export async function pendingPlanChange(
  deps: Pick<PlanChangeDeps, "db" | "stripe">,
  ref: Stripe.Subscription["schedule"],
): Promise<PendingPlanChange | null> {
  if (!ref) return null;
  const schedule =
    typeof ref === "string"
      ? await callStripe("load your scheduled plan change", () =>
          deps.stripe.subscriptionSchedules.retrieve(ref),
        )
      : ref;
  if (schedule.status !== "active" && schedule.status !== "not_started") return null;
  const currentEnd = schedule.current_phase?.end_date ?? null;
  const next = schedule.phases.find((p) => currentEnd !== null && p.start_date >= currentEnd);
  if (!next) return null;
  const priceIds = next.items.map((i) => (typeof i.price === "string" ? i.price : i.price.id));
  const prices = priceIds.length
    ? await deps.db
        .select({
          id: stripePrices.id,
          nickname: stripePrices.nickname,
          unitAmount: stripePrices.unitAmount,
          currency: stripePrices.currency,
          interval: stripePrices.recurringInterval,
          intervalCount: stripePrices.recurringIntervalCount,
          usageType: stripePrices.recurringUsageType,
          productName: stripeProducts.name,
          metadata: stripeProducts.metadata,
        })
        .from(stripePrices)
        .leftJoin(stripeProducts, eq(stripeProducts.id, stripePrices.productId))
        .where(inArray(stripePrices.id, priceIds))
    : [];
  // Metered overage items bill usage, not a price per period: the summary leaves them out.
  const licensed = next.items.flatMap((item, n) => {
    const p = prices.find((row) => row.id === priceIds[n]);
    return p?.usageType === "metered" ? [] : [{ item, p, priceId: priceIds[n]! }];
  });
  return {
    scheduleId: schedule.id,
    effectiveAt: new Date(next.start_date * 1000),
    madeHere: Boolean(schedule.metadata?.[ATTEMPT_KEY]),
    items: licensed.map(({ item: i, p, priceId }) => {
      return {
        priceId,
        productName: p?.productName ?? null,
        nickname: p?.nickname ?? null,
        unitAmount: p?.unitAmount ?? null,
        currency: p?.currency ?? null,
        interval: p?.interval ?? null,
        intervalCount: p?.intervalCount ?? null,
        quantity: i.quantity ?? 1,
        kind: p?.metadata?.folio_kind ?? null,
      };
    }),
  };
}

/**
 * Cancels the caller's scheduled change: releases the schedule, so the subscription simply
 * renews as it is. Nothing pending is not an error (a second click, or it already happened).
 */
export async function cancelScheduledChange(
  deps: CustomerDeps,
  input: { subscriptionId: string; attemptId: string },
): Promise<{ canceled: boolean }> {
  const doing = "cancel your scheduled plan change";
  const { subscription } = await ownedSubscription(
    deps,
    deps.actor.userId,
    input.subscriptionId,
    doing,
  );
  const ref = subscription.schedule;
  if (!ref) return { canceled: false };
  const scheduleId = typeof ref === "string" ? ref : ref.id;
  const pending = await pendingPlanChange(deps, ref);
  await callStripe(doing, () =>
    deps.stripe.subscriptionSchedules.release(
      scheduleId,
      {},
      { idempotencyKey: `folio-plan-release-${deps.actor.userId}-${input.attemptId}` },
    ),
  );
  const refreshed = await callStripe(doing, () =>
    deps.stripe.subscriptions.retrieve(subscription.id),
  );
  await storeStripeResult(store(deps), {
    object: refreshed,
    actor: deps.actor,
    audit: {
      action: PLAN_CHANGE_CANCELED,
      target: `subscription:${subscription.id}`,
      before: {
        scheduleId,
        items: pending?.items.map((i) => ({ price: i.priceId, quantity: i.quantity })) ?? null,
        effectiveAt: pending?.effectiveAt.toISOString() ?? null,
      },
      after: { attemptId: input.attemptId },
    },
  });
  return { canceled: true };
}
