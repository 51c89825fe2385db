import type Stripe from "stripe";
import { applyMetadata } from "../../core/params.ts";
import type { Ctx } from "../../core/types.ts";
import { discountIdsFor } from "../discounts.ts";
import type { ChargeOutcome } from "../payments.ts";
import { collectFirstPayment } from "./first-payment.ts";
import { firstInvoice } from "./first-invoice.ts";
import { buildItem } from "./items.ts";
import { scheduleSubscriptionJobs } from "./jobs.ts";
import { createInvoiceItems } from "./prorations.ts";
import { getSubscription, saveSubscription, type SubscriptionPrivate } from "./state.ts";
import { validateCreate, type CreatePlan, type CreateSubscriptionInput } from "./validate.ts";

/** The subscription object as created, before its first invoice. */
function newSubscription(
  id: string,
  input: CreateSubscriptionInput,
  plan: CreatePlan,
  items: Stripe.SubscriptionItem[],
): Stripe.Subscription {
  const { now, trialEnd, collection } = plan;
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: {
      disabled_reason: null,
      enabled: input.automaticTax ?? false,
      liability: input.automaticTax ? { type: "self" } : null,
    },
    billing_cycle_anchor: plan.anchor,
    billing_cycle_anchor_config: null,
    // Flexible unless asked for classic: Stripe's default since API version 2025-09-30.
    billing_mode:
      input.billingMode?.type !== "classic"
        ? {
            type: "flexible",
            flexible: {
              proration_discounts: input.billingMode?.flexible?.proration_discounts ?? "included",
            },
            updated_at: now,
          }
        : { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: input.cancelAt ?? (input.cancelAtPeriodEnd ? plan.period.end : null),
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    canceled_at: input.cancelAtPeriodEnd || input.cancelAt !== undefined ? now : null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: collection,
    created: now,
    currency: plan.first.currency,
    customer: plan.customer.id,
    customer_account: null,
    days_until_due: input.daysUntilDue ?? null,
    default_payment_method: plan.pm,
    default_source: null,
    default_tax_rates: input.defaultTaxRates ?? [],
    description: input.description ?? null,
    discounts: [] as string[],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: {
      object: "list",
      data: items,
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: applyMetadata({}, input.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: input.paymentMethodTypes ?? null,
      save_default_payment_method: input.saveDefaultPaymentMethod ?? "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: input.schedule ?? null,
    start_date: now,
    // A trial starts at once unless something is due today (one-off items): then, like any
    // first invoice, it waits `incomplete` for that payment.
    status:
      collection === "send_invoice"
        ? trialEnd !== null
          ? "trialing"
          : "active"
        : trialEnd !== null && plan.oneOff.length === 0
          ? "trialing"
          : "incomplete",
    test_clock: plan.clockId,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: plan.trialSettings,
    trial_start: trialEnd !== null ? now : null,
  } as unknown as Stripe.Subscription;
}

/** Stores the new subscription with its items and discounts; emits `customer.subscription.created`. */
function insertSubscription(
  ctx: Ctx,
  input: CreateSubscriptionInput,
  plan: CreatePlan,
): Stripe.Subscription {
  const id = ctx.ids.id("sub");
  const items = input.items.map((it, i) => ({
    ...buildItem(
      ctx,
      id,
      plan.prices[i] as Stripe.Price,
      it.quantity ?? 1,
      applyMetadata({}, it.metadata),
      plan.period,
      plan.now,
    ),
    tax_rates: it.taxRates ?? [],
  }));
  const sub = newSubscription(id, input, plan, items);
  ctx.store.insert(sub);
  ctx.store.setPrivate(id, { paymentBehavior: plan.paymentBehavior } satisfies SubscriptionPrivate);
  sub.discounts = discountIdsFor(ctx, plan.discounts, {
    customer: plan.customer.id,
    subscription: id,
    start: plan.now,
  });
  ctx.store.update(sub);
  ctx.emit("customer.subscription.created", sub);
  if (plan.oneOff.length > 0) createInvoiceItems(ctx, sub, plan.oneOff);
  return sub;
}

/**
 * Creates a subscription with its first invoice and collects it as `payment_behavior` says.
 * Emits `customer.subscription.created`, `invoice.created`, `invoice.finalized`, then the
 * payment events and `customer.subscription.updated` when it becomes active. Validation
 * happens before any write so a rejected request changes nothing.
 */
export function createSubscription(
  ctx: Ctx,
  input: CreateSubscriptionInput,
): {
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice | null;
  /** The first payment attempt (null: nothing to charge, send_invoice, default_incomplete). */
  outcome: ChargeOutcome | null;
} {
  const plan = validateCreate(ctx, input);
  const sub = insertSubscription(ctx, input, plan);
  const finalized = firstInvoice(ctx, input, plan, sub);
  const { invoice, outcome } = collectFirstPayment(ctx, input, plan, finalized);
  let current = getSubscription(ctx, sub.id);
  if (current.status === "incomplete" && invoice.status === "paid") {
    current = saveSubscription(ctx, current, {
      ...current,
      status: plan.trialEnd !== null ? "trialing" : "active",
    });
  }
  scheduleSubscriptionJobs(ctx, current);
  return { subscription: current, invoice, outcome };
}
