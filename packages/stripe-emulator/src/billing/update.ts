import type Stripe from "stripe";
import { ApiError, invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { previousAttributes } from "../core/util.ts";
import { getCustomer } from "../resources/customers.ts";
import type { SubscriptionUpdate } from "../resources/subscriptions.ts";
import {
  activeDiscounts,
  consumeDiscounts,
  discountIdsFor,
  resolveDiscountParams,
} from "./discounts.ts";
import { attemptPayment } from "./invoices/collect.ts";
import { clockOf, idOf } from "../core/util.ts";
import type { InvoicePrivate } from "./invoices/state.ts";
import { createDraftInvoice } from "./invoices/draft.ts";
import { finalizeInvoice } from "./invoices/finalize.ts";
import { itemDescription } from "./invoices/descriptions.ts";
import { pendingInvoiceItems, type LineInput } from "./invoices/lines.ts";
import { createInvoiceIntent, paymentMethodUsable, type ChargeOutcome } from "./payments.ts";
import { buildItem, planFromPrice, recurringPrice, unitAmount } from "./subscriptions/items.ts";
import {
  createInvoiceItems,
  oneOffLines,
  type OneOffItem,
  prorationLines,
} from "./subscriptions/prorations.ts";
import { getSubscription, periodOf, saveSubscription } from "./subscriptions/state.ts";
import { scheduleSubscriptionJobs } from "./subscriptions/jobs.ts";
import { addIntervals, nextBoundary, previousBoundary } from "./time.ts";

type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface PlannedChange {
  items: Stripe.SubscriptionItem[];
  /** Proration lines (credits for unused time, charges for remaining time). */
  prorations: LineInput[];
  /** Lines billed right away for a new billing period (interval change, anchor reset, trial end). */
  newPeriodLines: LineInput[];
  /** The billing period restarts at `at` (and is invoiced immediately). */
  reset: boolean;
  period: { start: number; end: number };
  anchor: number;
  trialEnd: number | null;
  endsTrial: boolean;
  at: number;
  behavior: ProrationBehavior;
  itemsChanged: boolean;
}

export interface PlanInput {
  items?: SubscriptionUpdate["items"];
  proration_behavior?: ProrationBehavior | undefined;
  proration_date?: number | undefined;
  trial_end?: number | "now" | undefined;
  billing_cycle_anchor?: "now" | "unchanged" | { type: "now" | "unchanged" } | undefined;
}

/**
 * Works out what an update does to items, periods and money without writing anything, so
 * `subscriptions.update` and `invoices.createPreview` agree to the cent. `register: false`
 * leaves new item ids unregistered (previews).
 */
export function planChange(
  ctx: Ctx,
  sub: Stripe.Subscription,
  p: PlanInput,
  options: { register: boolean; paramPrefix?: string },
): PlannedChange {
  const P = (name: string) => (options.paramPrefix ? `${options.paramPrefix}[${name}]` : name);
  const now = ctx.clockNow(clockOf(sub));
  const period = periodOf(sub);
  const at = p.proration_date ?? now;
  if (
    p.proration_date !== undefined &&
    (p.proration_date < period.start || p.proration_date > Math.max(period.end, now))
  ) {
    throw invalidParam(
      P("proration_date"),
      "proration_date must be within the current billing period.",
    );
  }
  const behavior: ProrationBehavior = p.proration_behavior ?? "create_prorations";
  const oldItems = sub.items.data;
  const byId = new Map(oldItems.map((i) => [i.id, i]));
  const next: Stripe.SubscriptionItem[] = oldItems.map((i) => ({ ...i }));
  const deleted = new Set<string>();
  const added: Stripe.SubscriptionItem[] = [];
  let itemsChanged = false;
  (p.items ?? []).forEach((ip, i) => {
    const base = `${P("items")}[${i}]`;
    if (ip.id !== undefined) {
      const existing = byId.get(ip.id);
      if (!existing)
        throw invalidParam(
          `${base}[id]`,
          `No such subscription item: '${ip.id}'`,
          "resource_missing",
        );
      const idx = next.findIndex((x) => x.id === ip.id);
      if (ip.deleted) {
        deleted.add(ip.id);
        itemsChanged = true;
        return;
      }
      const target = next[idx] as Stripe.SubscriptionItem;
      if (ip.price !== undefined && ip.price !== target.price.id) {
        const price = recurringPrice(ctx, ip.price, `${base}[price]`);
        target.price = price;
        target.plan = planFromPrice(price);
        itemsChanged = true;
      }
      if (ip.quantity !== undefined && ip.quantity !== target.quantity) {
        target.quantity = ip.quantity;
        itemsChanged = true;
      }
      if (ip.metadata !== undefined) target.metadata = applyMetadata(target.metadata, ip.metadata);
      return;
    }
    if (ip.deleted) throw missingParam(`${base}[id]`);
    if (ip.price === undefined) throw missingParam(`${base}[price]`);
    const price = recurringPrice(ctx, ip.price, `${base}[price]`);
    added.push(
      buildItem(
        ctx,
        sub.id,
        price,
        ip.quantity ?? 1,
        applyMetadata({}, ip.metadata),
        period,
        now,
        options.register,
      ),
    );
    itemsChanged = true;
  });
  const items = [...next.filter((i) => !deleted.has(i.id)), ...added];
  if (items.length === 0)
    throw invalidParam(P("items"), "A subscription must have at least one active item.");
  const first = items[0] as Stripe.SubscriptionItem;
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (item.price.currency !== sub.currency)
      throw invalidParam(
        `${P("items")}`,
        `The price ${item.price.id} is in ${item.price.currency}, but this subscription is in ${sub.currency}.`,
      );
    if (
      item.price.recurring?.interval !== first.price.recurring?.interval ||
      item.price.recurring?.interval_count !== first.price.recurring?.interval_count
    )
      throw invalidParam(
        `${P("items")}`,
        "All prices on a subscription must have the same recurring interval and interval_count.",
      );
    if (seen.has(item.price.id))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "Cannot add multiple subscription items with the same price.",
      );
    seen.add(item.price.id);
  }
  const oldCadence = oldItems[0]?.price.recurring;
  const newCadence = first.price.recurring as Stripe.Price.Recurring;
  const cadenceChanged =
    oldCadence?.interval !== newCadence.interval ||
    oldCadence.interval_count !== newCadence.interval_count;

  let trialEnd = sub.trial_end;
  let endsTrial = false;
  let reset = false;
  let anchor = sub.billing_cycle_anchor;
  let newPeriod = period;
  const anchorParam =
    typeof p.billing_cycle_anchor === "object"
      ? p.billing_cycle_anchor.type
      : p.billing_cycle_anchor;
  if (p.trial_end === "now") {
    if (sub.status === "trialing") {
      endsTrial = true;
      trialEnd = now;
      reset = true;
    }
  } else if (p.trial_end !== undefined) {
    if (p.trial_end <= now)
      throw invalidParam(
        P("trial_end"),
        "Invalid timestamp: must be an integer Unix timestamp in the future.",
      );
    trialEnd = p.trial_end;
    anchor = p.trial_end;
    newPeriod = { start: sub.status === "trialing" ? period.start : now, end: p.trial_end };
  }
  if (anchorParam === "now" || cadenceChanged) reset = true;
  if (reset) {
    anchor = now;
    newPeriod = {
      start: now,
      end: addIntervals(now, newCadence.interval, newCadence.interval_count, 1),
    };
  }
  const trialing = sub.status === "trialing" && !endsTrial;
  const withPeriods = items.map((i) => ({
    ...i,
    current_period_start: newPeriod.start,
    current_period_end: newPeriod.end,
  }));

  const prorations: LineInput[] = [];
  const prorate = behavior !== "none" && !trialing && sub.status !== "incomplete" && !endsTrial;
  if (prorate && (itemsChanged || reset)) {
    const qty = (i: Stripe.SubscriptionItem) => i.quantity ?? 1;
    for (const old of oldItems) {
      const changed = withPeriods.find((x) => x.id === old.id);
      const sameMoney = changed && changed.price.id === old.price.id && qty(changed) === qty(old);
      if (reset) {
        prorations.push(
          ...prorationLines(
            ctx,
            sub,
            old.id,
            { price: old.price, quantity: qty(old) },
            null,
            period,
            at,
          ),
        );
      } else if (!sameMoney) {
        prorations.push(
          ...prorationLines(
            ctx,
            sub,
            old.id,
            { price: old.price, quantity: qty(old) },
            changed ? { price: changed.price, quantity: qty(changed) } : null,
            period,
            at,
          ),
        );
      }
    }
    if (!reset) {
      for (const item of added) {
        prorations.push(
          ...prorationLines(
            ctx,
            sub,
            item.id,
            null,
            { price: item.price, quantity: item.quantity ?? 1 },
            period,
            at,
          ),
        );
      }
    }
  }
  const newPeriodLines: LineInput[] = reset
    ? withPeriods.map((i) => ({
        amount: unitAmount(i.price) * (i.quantity ?? 1),
        description: itemDescription(ctx, i.price, i.quantity ?? 1),
        period: newPeriod,
        price: i.price,
        quantity: i.quantity ?? 1,
        subscription: sub.id,
        subscriptionItem: i.id,
      }))
    : [];
  return {
    items: withPeriods,
    prorations: prorations.filter((l) => l.amount !== 0 || l.quantity === 0),
    newPeriodLines,
    reset,
    period: newPeriod,
    anchor,
    trialEnd,
    endsTrial,
    at,
    behavior,
    itemsChanged,
  };
}

/**
 * `POST /v1/subscriptions/:id`. Prorations become pending invoice items
 * (`create_prorations`), an immediate `subscription_update` invoice (`always_invoice`, or
 * any billing-period reset), or nothing (`none`).
 */
export type UpdateInput = Omit<SubscriptionUpdate, "add_invoice_items"> & {
  add_invoice_items?: OneOffItem[] | undefined;
};

export function updateSubscription(ctx: Ctx, id: string, p: UpdateInput): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  const ended = sub.status === "canceled" || sub.status === "incomplete_expired";
  if (ended) {
    const allowed = new Set(["metadata", "cancellation_details"]);
    const bad = Object.keys(p).find(
      (k) => !allowed.has(k) && (p as Record<string, unknown>)[k] !== undefined,
    );
    if (bad)
      throw invalidRequest(
        "A canceled subscription can only update its cancellation_details and metadata.",
        {
          param: bad,
        },
      );
  }
  if (sub.schedule && !ended && (p.cancel_at_period_end !== undefined || p.cancel_at !== undefined))
    throw invalidRequest(
      `The subscription is managed by the subscription schedule \`${idOf(sub.schedule)}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
      { param: p.cancel_at_period_end !== undefined ? "cancel_at_period_end" : "cancel_at" },
    );
  const now = ctx.clockNow(clockOf(sub));
  if (
    p.default_payment_method &&
    !paymentMethodUsable(ctx, p.default_payment_method, idOf(sub.customer))
  ) {
    throw invalidParam(
      "default_payment_method",
      `The customer does not have a payment method with the ID ${p.default_payment_method}. The payment method must be attached to the customer.`,
      "resource_missing",
    );
  }
  if (p.cancel_at !== undefined && p.cancel_at !== null && p.cancel_at <= now)
    throw invalidParam("cancel_at", "cancel_at must be in the future.");
  if (p.cancel_at_period_end && p.cancel_at !== undefined && p.cancel_at !== null)
    throw invalidRequest(
      "You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
      { code: "parameters_exclusive", param: "cancel_at" },
    );
  if (
    p.collection_method === "send_invoice" &&
    p.days_until_due === undefined &&
    sub.days_until_due === null
  )
    throw missingParam("days_until_due");
  if (
    p.payment_behavior === "pending_if_incomplete" &&
    (p.metadata !== undefined || p.cancel_at_period_end !== undefined)
  )
    throw invalidRequest(
      "payment_behavior=pending_if_incomplete only supports changes to items, proration and trial_end.",
      {
        param: "payment_behavior",
      },
    );
  const plan = ended ? null : planChange(ctx, sub, p, { register: true });
  const resolved = p.discounts
    ? resolveDiscountParams(ctx, p.discounts, {
        customer: idOf(sub.customer),
        currency: sub.currency,
        param: "discounts",
      })
    : p.discounts === null
      ? []
      : null;

  let next: Stripe.Subscription = { ...sub };
  if (plan) {
    next.items = { ...sub.items, data: plan.items };
    next.billing_cycle_anchor = plan.anchor;
    next.trial_end = plan.trialEnd;
    if (plan.endsTrial) next.status = "active";
    else if (p.trial_end !== undefined && p.trial_end !== "now") {
      next.status = "trialing";
      next.trial_start = sub.trial_start ?? now;
    }
  }
  if (p.metadata !== undefined) next.metadata = applyMetadata(sub.metadata, p.metadata);
  if (p.description !== undefined) next.description = p.description;
  if (p.default_payment_method !== undefined)
    next.default_payment_method = p.default_payment_method;
  if (p.collection_method !== undefined) next.collection_method = p.collection_method;
  if (p.days_until_due !== undefined) next.days_until_due = p.days_until_due;
  if (p.collection_method === "charge_automatically") next.days_until_due = null;
  if (p.trial_settings)
    next.trial_settings = {
      end_behavior: { billing_cycle_anchor: null, ...p.trial_settings.end_behavior },
    };
  if (p.pause_collection !== undefined)
    next.pause_collection =
      p.pause_collection === null
        ? null
        : {
            behavior: p.pause_collection.behavior,
            resumes_at: p.pause_collection.resumes_at ?? null,
          };
  if (p.cancellation_details !== undefined) {
    next.cancellation_details = {
      comment:
        p.cancellation_details.comment !== undefined
          ? p.cancellation_details.comment
          : (sub.cancellation_details?.comment ?? null),
      feedback:
        p.cancellation_details.feedback !== undefined
          ? p.cancellation_details.feedback
          : (sub.cancellation_details?.feedback ?? null),
      feedback_option: sub.cancellation_details?.feedback_option ?? null,
      reason: sub.cancellation_details?.reason ?? null,
    };
  }
  const periodEnd = plan ? plan.period.end : periodOf(sub).end;
  if (p.cancel_at_period_end === true) {
    next.cancel_at_period_end = true;
    next.cancel_at = periodEnd;
    next.canceled_at = now;
    next.cancellation_details = {
      ...(next.cancellation_details ?? { comment: null, feedback: null, feedback_option: null }),
      reason: "cancellation_requested",
    };
  } else if (p.cancel_at_period_end === false || p.cancel_at === null) {
    next.cancel_at_period_end = false;
    next.cancel_at = null;
    next.canceled_at = null;
    if (next.cancellation_details)
      next.cancellation_details = { ...next.cancellation_details, reason: null };
  }
  if (p.cancel_at !== undefined && p.cancel_at !== null) {
    next.cancel_at = p.cancel_at;
    next.cancel_at_period_end = false;
    next.canceled_at = now;
    next.cancellation_details = {
      ...(next.cancellation_details ?? { comment: null, feedback: null, feedback_option: null }),
      reason: "cancellation_requested",
    };
  } else if (plan?.reset && next.cancel_at_period_end) {
    next.cancel_at = periodEnd;
  }
  if (resolved) {
    next.discounts = discountIdsFor(ctx, resolved, {
      customer: idOf(sub.customer),
      subscription: sub.id,
      start: now,
    });
  }

  const oneOff = p.add_invoice_items
    ? oneOffLines(ctx, p.add_invoice_items, sub.currency, "add_invoice_items")
    : [];
  const immediate =
    plan !== null &&
    (plan.reset || (plan.behavior === "always_invoice" && plan.prorations.length > 0));
  const paymentBehavior = p.payment_behavior ?? "allow_incomplete";
  if (oneOff.length > 0) createInvoiceItems(ctx, next, oneOff);
  if (plan && plan.prorations.length > 0) {
    createInvoiceItems(ctx, next, plan.prorations);
  }
  ctx.store.update(next);
  const pending = paymentBehavior === "pending_if_incomplete";
  if (!immediate || !plan) {
    saveSubscription(ctx, sub, next);
  } else {
    const customer = getCustomer(ctx, idOf(sub.customer));
    const discounts = activeDiscounts(ctx, next.discounts.map(idOf), now).map((d) => d.id);
    let invoice = createDraftInvoice(ctx, {
      customer,
      currency: sub.currency,
      lines: plan.newPeriodLines,
      billingReason: "subscription_update",
      subscription: next,
      discounts,
      periodStart: plan.at,
      periodEnd: plan.at,
      includePendingItems: true,
      prorationDate: plan.at,
    });
    const spent = invoice.subtotal > 0 ? consumeDiscounts(ctx, discounts, now) : [];
    next = {
      ...next,
      latest_invoice: invoice.id,
      discounts: next.discounts.filter((d) => !spent.includes(idOf(d))),
    };
    ctx.store.update(next);
    if (!pending) saveSubscription(ctx, sub, next);
    invoice = finalizeInvoice(ctx, invoice);
    let failed: ChargeOutcome | null = null;
    if (
      invoice.status === "open" &&
      invoice.collection_method === "charge_automatically" &&
      paymentBehavior !== "default_incomplete"
    ) {
      const result = attemptPayment(ctx, invoice, { offSession: p.off_session ?? false });
      if (result.outcome && result.outcome.status !== "succeeded") failed = result.outcome;
    } else if (invoice.status === "open" && invoice.collection_method === "charge_automatically") {
      // default_incomplete: the client confirms the intent behind `confirmation_secret`.
      const pi = createInvoiceIntent(ctx, {
        customer: customer.id,
        amount: invoice.amount_remaining,
        currency: invoice.currency,
        description: "Subscription update",
        invoice: invoice.id,
      });
      ctx.store.setPrivate(invoice.id, { paymentIntent: pi.id } satisfies InvoicePrivate);
    }
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
      // The subscription keeps its old items; the change waits for the invoice to be paid.
      const pendingUpdate: Stripe.Subscription.PendingUpdate = {
        billing_cycle_anchor: plan.reset ? plan.anchor : null,
        cancel_at_period_end: null,
        discount: null,
        discounts: null,
        expires_at: now + 23 * 3600,
        metadata: null,
        subscription_items: plan.items,
        trial_end: p.trial_end !== undefined ? plan.trialEnd : null,
        trial_from_plan: null,
      };
      const applied = { ...getSubscription(ctx, sub.id), pending_update: null };
      const kept: Stripe.Subscription = {
        ...sub,
        latest_invoice: invoice.id,
        pending_update: pendingUpdate,
      };
      ctx.store.setPrivate(`${sub.id}:pending`, {
        next: applied,
        invoice: invoice.id,
      } satisfies PendingPrivate);
      saveSubscription(ctx, sub, kept);
      ctx.schedule({
        id: `billing.pending_expire:${sub.id}`,
        kind: "billing.pending_expire",
        runAt: pendingUpdate.expires_at,
        clockId: clockOf(sub),
        payload: { subscription: sub.id },
      });
      return getSubscription(ctx, sub.id);
    }
    if (pending) saveSubscription(ctx, sub, getSubscription(ctx, sub.id));
  }
  const final = getSubscription(ctx, sub.id);
  scheduleSubscriptionJobs(ctx, final);
  return final;
}

export interface PendingPrivate {
  next: Stripe.Subscription;
  invoice: string;
}

/** A paid invoice applies the pending update it was created for. */
export function applyPendingUpdate(ctx: Ctx, invoice: Stripe.Invoice): void {
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  if (!subId) return;
  const pending = ctx.store.getPrivate<PendingPrivate | null>(`${subId}:pending`);
  if (!pending || pending.invoice !== invoice.id) return;
  const sub = getSubscription(ctx, subId);
  ctx.store.setPrivate(`${subId}:pending`, null);
  ctx.unschedule(`billing.pending_expire:${subId}`);
  const next: Stripe.Subscription = {
    ...pending.next,
    status: sub.status,
    latest_invoice: invoice.id,
    pending_update: null,
  };
  ctx.store.update(next);
  ctx.emit("customer.subscription.pending_update_applied", next, previousAttributes(sub, next));
  ctx.emit("customer.subscription.updated", next, previousAttributes(sub, next));
  scheduleSubscriptionJobs(ctx, next);
}

export function runPendingExpire(ctx: Ctx, subscriptionId: string): void {
  const pending = ctx.store.getPrivate<PendingPrivate | null>(`${subscriptionId}:pending`);
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!pending || !sub?.pending_update) return;
  ctx.store.setPrivate(`${subscriptionId}:pending`, null);
  const next: Stripe.Subscription = { ...sub, pending_update: null };
  ctx.store.update(next);
  ctx.emit("customer.subscription.pending_update_expired", next, previousAttributes(sub, next));
  ctx.emit("customer.subscription.updated", next, previousAttributes(sub, next));
}

/**
 * `POST /v1/subscriptions/:id/pause`: no more invoices until `resume`. The unused time of
 * the current period is credited (as a pending invoice item) unless `bill_for` says
 * `none`, and `invoicing_behavior: invoice` bills pending items right away.
 */
export function pauseSubscription(
  ctx: Ctx,
  id: string,
  options: { creditUnusedTime: boolean; invoiceNow: boolean },
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (!["active", "past_due", "trialing", "unpaid"].includes(sub.status)) {
    throw invalidRequest(`A subscription with status ${sub.status} cannot be paused.`);
  }
  const now = ctx.clockNow(clockOf(sub));
  if (options.creditUnusedTime && sub.status !== "trialing") {
    const period = periodOf(sub);
    createInvoiceItems(
      ctx,
      sub,
      sub.items.data
        .flatMap((item) =>
          prorationLines(
            ctx,
            sub,
            item.id,
            { price: item.price, quantity: item.quantity ?? 1 },
            null,
            period,
            now,
          ),
        )
        .filter((l) => l.amount !== 0),
    );
  }
  let next: Stripe.Subscription = { ...sub, status: "paused" };
  if (options.invoiceNow && pendingInvoiceItems(ctx, idOf(sub.customer), sub.id).length > 0) {
    const invoice = createDraftInvoice(ctx, {
      customer: getCustomer(ctx, idOf(sub.customer)),
      currency: sub.currency,
      lines: [],
      billingReason: "subscription_update",
      subscription: sub,
      includePendingItems: true,
    });
    next = { ...next, latest_invoice: invoice.id };
    ctx.store.update(next);
    const open = finalizeInvoice(ctx, invoice);
    if (open.status === "open" && open.collection_method === "charge_automatically")
      attemptPayment(ctx, open, { offSession: true });
    next = { ...getSubscription(ctx, sub.id), status: "paused" };
  }
  saveSubscription(ctx, sub, next);
  ctx.emit("customer.subscription.paused", next);
  scheduleSubscriptionJobs(ctx, next);
  return next;
}

/** `POST /v1/subscriptions/:id/resume` for a paused subscription. */
export function resumeSubscription(
  ctx: Ctx,
  id: string,
  options: {
    billingCycleAnchor: "now" | "unchanged";
    prorationBehavior: ProrationBehavior;
    prorationDate?: number | undefined;
  },
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (sub.status !== "paused") {
    throw invalidRequest("Only a paused subscription can be resumed.");
  }
  const now = ctx.clockNow(clockOf(sub));
  const cadence = sub.items.data[0]?.price.recurring as Stripe.Price.Recurring;
  let period: { start: number; end: number };
  let anchor = sub.billing_cycle_anchor;
  let fraction = 1;
  if (options.billingCycleAnchor === "now") {
    anchor = now;
    period = { start: now, end: addIntervals(now, cadence.interval, cadence.interval_count, 1) };
  } else {
    const start = previousBoundary(anchor, cadence.interval, cadence.interval_count, now);
    const end = nextBoundary(anchor, cadence.interval, cadence.interval_count, now);
    period = { start: now, end };
    fraction = options.prorationBehavior === "none" ? 0 : (end - now) / Math.max(1, end - start);
  }
  const items = sub.items.data.map((i) => ({
    ...i,
    current_period_start: period.start,
    current_period_end: period.end,
  }));
  let next: Stripe.Subscription = {
    ...sub,
    status: "active",
    billing_cycle_anchor: anchor,
    items: { ...sub.items, data: items },
    pause_collection: null,
  };
  ctx.store.update(next);
  ctx.emit("customer.subscription.resumed", next);
  const customer = getCustomer(ctx, idOf(sub.customer));
  const lines: LineInput[] = items.map((i) => ({
    amount: Math.round(unitAmount(i.price) * (i.quantity ?? 1) * fraction),
    description: itemDescription(ctx, i.price, i.quantity ?? 1),
    period,
    price: i.price,
    quantity: i.quantity ?? 1,
    subscription: sub.id,
    subscriptionItem: i.id,
  }));
  let invoice = createDraftInvoice(ctx, {
    customer,
    currency: sub.currency,
    lines,
    billingReason: "subscription_update",
    subscription: next,
    periodStart: now,
    periodEnd: now,
    includePendingItems: true,
  });
  next = { ...getSubscription(ctx, sub.id), latest_invoice: invoice.id };
  ctx.store.update(next);
  saveSubscription(ctx, sub, next);
  invoice = finalizeInvoice(ctx, invoice);
  if (invoice.status === "open" && invoice.collection_method === "charge_automatically") {
    attemptPayment(ctx, invoice, { offSession: true });
  }
  const final = getSubscription(ctx, sub.id);
  scheduleSubscriptionJobs(ctx, final);
  return final;
}
