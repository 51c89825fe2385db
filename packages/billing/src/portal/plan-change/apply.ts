import { auditLog } from "@folio/db";
import { and, desc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Actor } from "../../audit/actor.ts";
import { DomainError } from "../../errors.ts";
import { recordHooks } from "../../records/index.ts";
import { callStripe } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import { withInFlightRetry } from "./in-flight.ts";
import { changeKeyOf, planTargetSchema, type PlannedChange } from "./change.ts";
import { loadChange, stripeNowFor, type PlanChangeDeps } from "./preview.ts";
import { PLAN_CHANGE_SCHEDULED, scheduleChange } from "./schedule.ts";

export const confirmPlanChangeSchema = planTargetSchema.extend({
  prorationDate: z.number().int().positive().nullable(),
  changeKey: z.string().regex(/^[0-9a-f]{32}$/),
  /** Made by the client once per dialog: retries and double clicks reuse it. */
  attemptId: z.uuid(),
});
export type ConfirmPlanChangeInput = z.infer<typeof confirmPlanChangeSchema>;

export interface PlanChangeResult {
  timing: "now" | "period_end";
  effectiveAt: Date;
  /** The invoice the change created now, if any. */
  invoice: { id: string; amountDue: number; amountPaid: number; status: string | null } | null;
}

export type CustomerDeps = PlanChangeDeps & { actor: Extract<Actor, { type: "customer" }> };

const DOING = "change your plan";
/** How old a preview's proration date may be when confirmed. */
const PREVIEW_FRESH_SECONDS = 30 * 60;
export const PLAN_CHANGED = "subscription.plan_changed";

const stale = () =>
  new DomainError(
    "CONFLICT",
    "Your subscription changed since this preview. Review the new preview before confirming.",
  );

/**
 * Confirms a previewed change. Applied now: one `subscriptions.update` with the preview's items
 * and proration date, invoiced at once and paid with `payment_behavior: error_if_incomplete` —
 * a declined card makes Stripe refuse the whole update (nothing changes, no open invoice is left
 * behind) and the customer gets the bank's reason. At period end: a subscription schedule (see
 * scheduleChange). The Stripe idempotency keys derive from the client's attempt id, so a double
 * click or a retry replays the first change instead of making a second one.
 */
export async function confirmPlanChange(
  deps: CustomerDeps,
  input: ConfirmPlanChangeInput,
): Promise<PlanChangeResult> {
  const done = await replayed(deps, input);
  if (done) return done;
  try {
    return await confirmOnce(deps, input);
  } catch (e) {
    // A double click's first request may have changed the subscription and still be storing
    // it: this attempt then looks "already done". Its audit row says so shortly.
    const reason = e instanceof DomainError ? e.details?.reason : undefined;
    if (reason !== "unchanged" && reason !== "scheduled") throw e;
    for (let i = 0; i < 25; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const replay = await replayed(deps, input);
      if (replay) return replay;
    }
    throw e;
  }
}

async function confirmOnce(
  deps: CustomerDeps,
  input: ConfirmPlanChangeInput,
): Promise<PlanChangeResult> {
  const change = await loadChange(deps, deps.actor.userId, input, DOING);
  if (change.timing === "period_end") {
    if (changeKeyOf(change, null) !== input.changeKey) throw stale();
    return scheduleChange(deps, change, input.attemptId);
  }
  const prorationDate = change.trial ? null : input.prorationDate;
  if (changeKeyOf(change, prorationDate) !== input.changeKey) throw stale();
  if (prorationDate !== null) {
    const now = await stripeNowFor(deps, change);
    if (prorationDate > now + 60 || prorationDate < now - PREVIEW_FRESH_SECONDS) {
      throw new DomainError(
        "CONFLICT",
        "This preview is out of date. Review the updated amount before confirming.",
      );
    }
  }
  return applyNow(deps, change, prorationDate, input.attemptId);
}

async function applyNow(
  deps: CustomerDeps,
  change: PlannedChange,
  prorationDate: number | null,
  attemptId: string,
): Promise<PlanChangeResult> {
  const { subscription } = change.current;
  const params: Stripe.SubscriptionUpdateParams = {
    items: change.updateItems,
    payment_behavior: "error_if_incomplete",
    ...(prorationDate === null
      ? { proration_behavior: "none" }
      : { proration_behavior: "always_invoice", proration_date: prorationDate }),
  };
  const idempotencyKey = `folio-plan-change-${deps.actor.userId}-${attemptId}`;
  const updated = await withInFlightRetry(() =>
    callStripe(DOING, () =>
      deps.stripe.subscriptions.update(subscription.id, params, { idempotencyKey }),
    ),
  );
  const invoiceId =
    prorationDate !== null &&
    updated.latest_invoice &&
    updated.latest_invoice !== subscription.latest_invoice
      ? typeof updated.latest_invoice === "string"
        ? updated.latest_invoice
        : updated.latest_invoice.id
      : null;
  const invoice = invoiceId
    ? await callStripe(DOING, () => deps.stripe.invoices.retrieve(invoiceId))
    : null;
  const result: PlanChangeResult = {
    timing: "now",
    effectiveAt: new Date((prorationDate ?? Math.floor(deps.clock.now().getTime() / 1000)) * 1000),
    invoice: invoice
      ? {
          id: invoice.id,
          amountDue: invoice.amount_due,
          amountPaid: invoice.amount_paid,
          status: invoice.status,
        }
      : null,
  };
  // A replayed response (a second request of the same attempt that raced the first) stores
  // the object again but does not audit the change twice.
  const isReplay = updated.lastResponse?.headers?.["idempotent-replayed"] === "true";
  const store = { db: deps.db, stripe: deps.stripe, clock: deps.clock, hooks: recordHooks };
  await storeStripeResult(store, {
    object: updated,
    actor: deps.actor,
    ...(!isReplay && {
      audit: {
        action: PLAN_CHANGED,
        target: `subscription:${subscription.id}`,
        before: { items: change.currentItems },
        after: {
          items: change.newItems,
          attemptId,
          prorationDate,
          effectiveAt: result.effectiveAt.toISOString(),
          invoice: result.invoice,
        },
      },
    }),
  });
  if (invoice) await storeStripeResult(store, { object: invoice, actor: deps.actor });
  return result;
}

/** A retried attempt that already completed: answered from its audit row, without Stripe. */
async function replayed(
  deps: CustomerDeps,
  input: ConfirmPlanChangeInput,
): Promise<PlanChangeResult | null> {
  const rows = await deps.db
    .select({ action: auditLog.action, after: auditLog.after, at: auditLog.at })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.target, `subscription:${input.subscriptionId}`),
        eq(auditLog.actorId, deps.actor.userId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(20);
  const row = rows.find(
    (r) =>
      (r.action === PLAN_CHANGED || r.action === PLAN_CHANGE_SCHEDULED) &&
      r.after?.attemptId === input.attemptId,
  );
  if (!row?.after) return null;
  const after = row.after as {
    invoice?: PlanChangeResult["invoice"];
    effectiveAt?: string;
  };
  return {
    timing: row.action === PLAN_CHANGED ? "now" : "period_end",
    effectiveAt: after.effectiveAt ? new Date(after.effectiveAt) : row.at,
    invoice: after.invoice ?? null,
  };
}
