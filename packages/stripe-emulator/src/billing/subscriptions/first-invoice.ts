import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { consumeDiscounts } from "../discounts.ts";
import { createDraftInvoice } from "../invoices/draft.ts";
import { finalizeInvoice } from "../invoices/finalize.ts";
import { addIntervals } from "../time.ts";
import { itemLines } from "./items.ts";
import type { CreatePlan, CreateSubscriptionInput } from "./validate.ts";

/**
 * A new subscription's first invoice, finalized: $0 for a trial, prorated up to a future
 * billing_cycle_anchor, else a full period; pending items (add_invoice_items) included.
 */
export function firstInvoice(
  ctx: Ctx,
  input: CreateSubscriptionInput,
  plan: CreatePlan,
  sub: Stripe.Subscription,
): Stripe.Invoice {
  const { now, anchor, trialEnd } = plan;
  const lines = itemLines(ctx, sub, sub.items.data, plan.period, trialEnd !== null);
  if (trialEnd === null && anchor > now && input.billingCycleAnchor !== undefined) {
    const cadence = plan.first.recurring as Stripe.Price.Recurring;
    const full = addIntervals(anchor, cadence.interval, cadence.interval_count, -1);
    const fraction = (anchor - now) / (anchor - full);
    if (input.prorationBehavior === "none") lines.forEach((l) => (l.amount = 0));
    else lines.forEach((l) => (l.amount = Math.round(l.amount * fraction)));
  }
  const discountIds = sub.discounts as string[];
  const draft = createDraftInvoice(ctx, {
    customer: plan.customer,
    currency: plan.first.currency,
    lines,
    billingReason: "subscription_create",
    subscription: sub,
    collectionMethod: plan.collection,
    daysUntilDue: input.daysUntilDue ?? null,
    discounts: discountIds,
    periodStart: now,
    periodEnd: now,
    includePendingItems: true,
  });
  // A `once` discount is spent on the first invoice with something to discount.
  const spent = draft.subtotal > 0 ? consumeDiscounts(ctx, discountIds, now) : [];
  ctx.store.update({
    ...sub,
    latest_invoice: draft.id,
    discounts: discountIds.filter((d) => !spent.includes(d)),
  });
  return finalizeInvoice(ctx, draft);
}
