import type Stripe from "stripe";
import { ApiError } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { idOf } from "../../core/util.ts";
import { getCustomer } from "../../resources/customers.ts";
import { activeDiscounts, consumeDiscounts } from "../discounts.ts";
import { attemptPayment } from "../invoices/collect.ts";
import { createDraftInvoice } from "../invoices/draft.ts";
import { finalizeInvoice } from "../invoices/finalize.ts";
import type { InvoicePrivate } from "../invoices/state.ts";
import { createInvoiceIntent, type ChargeOutcome } from "../payments.ts";
import { scheduleSubscriptionJobs } from "./jobs.ts";
import { deferPendingUpdate } from "./pending-update.ts";
import type { PlannedChange } from "./plan-change.ts";
import { getSubscription, saveSubscription } from "./state.ts";
import type { UpdateInput } from "./update.ts";

/**
 * An update billed at once (`always_invoice`, or a new billing period): the
 * `subscription_update` invoice, collected as `payment_behavior` says.
 */

/** The subscription as the update left it, with its jobs rescheduled. */
export function jobsAfterUpdate(ctx: Ctx, id: string): Stripe.Subscription {
  const final = getSubscription(ctx, id);
  scheduleSubscriptionJobs(ctx, final);
  return final;
}

type Failure = Exclude<ChargeOutcome, { status: "succeeded" }>;

/** Charges the finalized invoice (or leaves a payment intent for default_incomplete). */
function collect(ctx: Ctx, invoice: Stripe.Invoice, p: UpdateInput): Failure | null {
  if (invoice.status !== "open" || invoice.collection_method !== "charge_automatically")
    return null;
  if ((p.payment_behavior ?? "allow_incomplete") !== "default_incomplete") {
    const result = attemptPayment(ctx, invoice, { offSession: p.off_session ?? false });
    return result.outcome && result.outcome.status !== "succeeded" ? result.outcome : null;
  }
  // default_incomplete: the client confirms the intent behind `confirmation_secret`.
  const pi = createInvoiceIntent(ctx, {
    customer: idOf(invoice.customer),
    amount: invoice.amount_remaining,
    currency: invoice.currency,
    description: "Subscription update",
    invoice: invoice.id,
  });
  ctx.store.setPrivate(invoice.id, { paymentIntent: pi.id } satisfies InvoicePrivate);
  return null;
}

export function updateInvoice(
  ctx: Ctx,
  u: {
    sub: Stripe.Subscription;
    next: Stripe.Subscription;
    plan: PlannedChange;
    p: UpdateInput;
    now: number;
  },
): Stripe.Subscription {
  const { sub, plan, p, now } = u;
  const paymentBehavior = p.payment_behavior ?? "allow_incomplete";
  const pending = paymentBehavior === "pending_if_incomplete";
  const discounts = activeDiscounts(ctx, u.next.discounts.map(idOf), now).map((d) => d.id);
  const draft = createDraftInvoice(ctx, {
    customer: getCustomer(ctx, idOf(sub.customer)),
    currency: sub.currency,
    lines: plan.newPeriodLines,
    billingReason: "subscription_update",
    subscription: u.next,
    discounts,
    periodStart: plan.at,
    periodEnd: plan.at,
    includePendingItems: true,
    prorationDate: plan.at,
  });
  const spent = draft.subtotal > 0 ? consumeDiscounts(ctx, discounts, now) : [];
  const next: Stripe.Subscription = {
    ...u.next,
    latest_invoice: draft.id,
    discounts: u.next.discounts.filter((d) => !spent.includes(idOf(d))),
  };
  ctx.store.update(next);
  if (!pending) saveSubscription(ctx, sub, next);
  const invoice = finalizeInvoice(ctx, draft);
  const failed = collect(ctx, invoice, p);
  if (failed && paymentBehavior === "error_if_incomplete") {
    // Nothing is kept: the whole request rolls back.
    throw new ApiError(402, "card_error", failed.message, {
      code: failed.status === "failed" ? failed.code : "invoice_payment_intent_requires_action",
      ...(failed.status === "failed" && failed.declineCode
        ? { declineCode: failed.declineCode }
        : {}),
    });
  }
  if (pending && failed) {
    deferPendingUpdate(ctx, sub, plan, invoice, p.trial_end !== undefined, now);
    return getSubscription(ctx, sub.id);
  }
  if (pending) saveSubscription(ctx, sub, getSubscription(ctx, sub.id));
  return jobsAfterUpdate(ctx, sub.id);
}
