import type Stripe from "stripe";
import {
  ApiError,
  invalidParam,
  invalidRequest,
  missingParam,
  resourceMissing,
} from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { isDeleted, previousAttributes } from "../core/util.ts";
import { getCustomer } from "../resources/customers.ts";
import { createPrice, getPrice } from "../resources/prices.ts";
import { attachPaymentMethod } from "../services/payments.ts";
import {
  activeDiscounts,
  consumeDiscounts,
  discountIdsFor,
  resolveDiscountParams,
  type DiscountParam,
} from "./discounts.ts";
import { attemptPayment } from "./invoices/collect.ts";
import { clockOf, idOf } from "../core/util.ts";
import { createDraftInvoice } from "./invoices/draft.ts";
import { finalizeInvoice } from "./invoices/finalize.ts";
import { getInvoice, invoiceHooks, saveInvoice, type InvoicePrivate } from "./invoices/state.ts";
import { itemDescription, productName, trialDescription } from "./invoices/descriptions.ts";
import { markUncollectible, voidInvoice } from "./invoices/transitions.ts";
import { pendingInvoiceItems, type LineInput } from "./invoices/lines.ts";
import { createInvoiceIntent, paymentMethodUsable, type ChargeOutcome } from "./payments.ts";
import { getBillingSettings } from "./settings.ts";
import { addIntervals, formatDate, nextBoundary } from "./time.ts";

export type PaymentBehavior =
  "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";

export interface ItemInput {
  price: string;
  quantity?: number | undefined;
  metadata?: Record<string, string> | null | undefined;
}

export interface CreateSubscriptionInput {
  customer: string;
  items: ItemInput[];
  defaultPaymentMethod?: string | null | undefined;
  trialPeriodDays?: number | undefined;
  trialEnd?: number | "now" | undefined;
  trialFromPlan?: boolean | undefined;
  trialSettings?: Stripe.Subscription.TrialSettings | null | undefined;
  discounts?: DiscountParam[] | undefined;
  /** Shorthands for `discounts: [{ coupon }]` / `[{ promotion_code }]` (checkout uses these). */
  coupon?: string | undefined;
  promotionCode?: string | undefined;
  metadata?: Record<string, string> | null | undefined;
  description?: string | null | undefined;
  collectionMethod?: "charge_automatically" | "send_invoice" | undefined;
  daysUntilDue?: number | undefined;
  paymentBehavior?: PaymentBehavior | undefined;
  billingCycleAnchor?: number | undefined;
  prorationBehavior?: "create_prorations" | "none" | "always_invoice" | undefined;
  cancelAtPeriodEnd?: boolean | undefined;
  cancelAt?: number | undefined;
  /** Off-session first payment (no customer present to authenticate). */
  offSession?: boolean | undefined;
  /** Ignored: a subscription follows its customer's test clock. Checked for consistency. */
  testClock?: string | undefined;
  saveDefaultPaymentMethod?: "off" | "on_subscription" | undefined;
  /** One-off prices billed on the first invoice (`add_invoice_items`). */
  addInvoiceItems?: OneOffItem[] | undefined;
  paymentMethodTypes?: string[] | null | undefined;
  /** Where the 3DS page returns to when the first payment needs authentication. */
  returnUrl?: string | undefined;
  /** Prefix for params in error messages (`subscription_data` for checkout). */
  paramPrefix?: string | undefined;
  /** The subscription schedule creating this subscription (its `schedule` field). */
  schedule?: string | undefined;
}

/**
 * Reactions other billing modules (subscription schedules) attach to a subscription's life:
 * `beforeCycle` runs at a renewal before it bills, so a schedule phase that starts at the
 * period end applies first (job order at one instant is not guaranteed); `onEnded` runs
 * once a subscription is canceled or expired.
 */
export const subscriptionHooks: {
  beforeCycle: ((ctx: Ctx, sub: Stripe.Subscription, periodEnd: number) => void)[];
  onEnded: ((ctx: Ctx, sub: Stripe.Subscription) => void)[];
} = { beforeCycle: [], onEnded: [] };

export interface SubscriptionPrivate {
  paymentBehavior: PaymentBehavior;
}

export function getSubscription(ctx: Ctx, id: string, param = "subscription"): Stripe.Subscription {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", id);
  if (!sub) throw resourceMissing("subscription", id, param);
  return sub;
}

/** Subscription items are stored inside their subscription; this maps an item id back to it. */
export function subscriptionOfItem(ctx: Ctx, itemId: string): string | undefined {
  return ctx.store.getPrivate<{ subscription: string }>(itemId)?.subscription;
}

export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  const r = price.recurring;
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r?.interval ?? "month",
    interval_count: r?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: r?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: r?.trial_period_days ?? null,
    usage_type: r?.usage_type ?? "licensed",
  };
}

export function buildItem(
  ctx: Ctx,
  subscriptionId: string,
  price: Stripe.Price,
  quantity: number,
  metadata: Record<string, string>,
  period: { start: number; end: number },
  created: number,
  register = true,
): Stripe.SubscriptionItem {
  const item: Stripe.SubscriptionItem = {
    id: ctx.ids.id("si", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata,
    plan: planFromPrice(price),
    price,
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
  if (register) ctx.store.setPrivate(item.id, { subscription: subscriptionId });
  return item;
}

export function unitAmount(price: Stripe.Price): number {
  return price.unit_amount ?? Math.round(Number(price.unit_amount_decimal ?? 0));
}

/** Validates a recurring price for a subscription item and returns it. */
export function recurringPrice(ctx: Ctx, id: string, param: string): Stripe.Price {
  const price = getPrice(ctx, id, param);
  if (!price.recurring) {
    throw invalidParam(
      param,
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
    );
  }
  if (!price.active && !ctx.store.getPrivate(`inline-price:${price.id}`))
    throw invalidParam(
      param,
      `The price specified is inactive. This field only accepts active prices.`,
    );
  return price;
}

function sameCadence(a: Stripe.Price, b: Stripe.Price): boolean {
  return (
    a.recurring?.interval === b.recurring?.interval &&
    a.recurring?.interval_count === b.recurring?.interval_count
  );
}

export function periodOf(sub: Stripe.Subscription): { start: number; end: number } {
  const first = sub.items.data[0];
  return {
    start: first?.current_period_start ?? sub.start_date,
    end: first?.current_period_end ?? sub.start_date,
  };
}

function cadenceOf(sub: Stripe.Subscription): {
  interval: Stripe.Price.Recurring.Interval;
  count: number;
} {
  const r = sub.items.data[0]?.price.recurring;
  return { interval: r?.interval ?? "month", count: r?.interval_count ?? 1 };
}

function jobId(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/** (Re)schedules every time-driven job of a subscription from its current state. */
export function scheduleSubscriptionJobs(ctx: Ctx, sub: Stripe.Subscription): void {
  const clockId = clockOf(sub);
  const settings = getBillingSettings(ctx);
  for (const kind of [
    "billing.cycle",
    "billing.trial_will_end",
    "billing.upcoming",
    "billing.cancel_at",
    "billing.incomplete_expire",
  ]) {
    ctx.unschedule(jobId(kind, sub.id));
  }
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return;
  const now = ctx.clockNow(clockId);
  if (sub.status === "incomplete") {
    ctx.schedule({
      id: jobId("billing.incomplete_expire", sub.id),
      kind: "billing.incomplete_expire",
      runAt: sub.created + settings.incompleteExpiresAfter,
      clockId,
      payload: { subscription: sub.id },
    });
    return;
  }
  if (sub.status === "paused") return;
  const { end } = periodOf(sub);
  ctx.schedule({
    id: jobId("billing.cycle", sub.id),
    kind: "billing.cycle",
    runAt: end,
    clockId,
    payload: { subscription: sub.id, periodEnd: end },
  });
  if (sub.status === "trialing" && sub.trial_end !== null) {
    const at = sub.trial_end - settings.trialWillEndBefore;
    if (at > now) {
      ctx.schedule({
        id: jobId("billing.trial_will_end", sub.id),
        kind: "billing.trial_will_end",
        runAt: at,
        clockId,
        payload: { subscription: sub.id, trialEnd: sub.trial_end },
      });
    }
  }
  if (settings.upcomingInvoiceBefore > 0 && sub.cancel_at === null) {
    const at = end - settings.upcomingInvoiceBefore;
    if (at > now) {
      ctx.schedule({
        id: jobId("billing.upcoming", sub.id),
        kind: "billing.upcoming",
        runAt: at,
        clockId,
        payload: { subscription: sub.id, periodEnd: end },
      });
    }
  }
  if (sub.cancel_at !== null && sub.cancel_at < end) {
    ctx.schedule({
      id: jobId("billing.cancel_at", sub.id),
      kind: "billing.cancel_at",
      runAt: Math.max(sub.cancel_at, now),
      clockId,
      payload: { subscription: sub.id, at: sub.cancel_at },
    });
  }
}

/** Stores a subscription and emits `customer.subscription.updated` with previous_attributes. */
export function saveSubscription(
  ctx: Ctx,
  before: Stripe.Subscription,
  next: Stripe.Subscription,
): Stripe.Subscription {
  ctx.store.update(next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("customer.subscription.updated", next, prev);
  return next;
}

function itemLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  period: { start: number; end: number },
  trial: boolean,
): LineInput[] {
  return items.map((item) => {
    const qty = item.quantity ?? 1;
    return {
      amount: trial ? 0 : unitAmount(item.price) * qty,
      description: trial
        ? trialDescription(ctx, item.price)
        : itemDescription(ctx, item.price, qty),
      period,
      price: item.price,
      quantity: qty,
      subscription: sub.id,
      subscriptionItem: item.id,
    };
  });
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
  const P = (name: string) => (input.paramPrefix ? `${input.paramPrefix}[${name}]` : name);
  const customer = getCustomer(ctx, input.customer, P("customer"));
  const clockId = clockOf(customer);
  if (input.testClock !== undefined && input.testClock !== clockId) {
    throw invalidParam(
      P("test_clock"),
      "The subscription must use the same test clock as its customer.",
    );
  }
  const now = ctx.clockNow(clockId);
  if (input.items.length === 0) throw missingParam(P("items"));
  if (input.items.length > 20)
    throw invalidParam(P("items"), "A subscription can have at most 20 items.");
  const prices = input.items.map((it, i) =>
    recurringPrice(ctx, it.price, `${P("items")}[${i}][price]`),
  );
  const first = prices[0] as Stripe.Price;
  prices.forEach((p, i) => {
    if (p.currency !== first.currency)
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "All prices on a subscription must have the same currency.",
      );
    if (!sameCadence(p, first))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "All prices on a subscription must have the same recurring interval and interval_count.",
      );
  });
  const seen = new Set<string>();
  prices.forEach((p, i) => {
    if (seen.has(p.id))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "Cannot add multiple subscription items with the same price.",
      );
    seen.add(p.id);
  });
  const collection = input.collectionMethod ?? "charge_automatically";
  if (collection === "send_invoice" && input.daysUntilDue === undefined)
    throw missingParam(P("days_until_due"));
  if (collection === "charge_automatically" && input.daysUntilDue !== undefined)
    throw invalidParam(
      P("days_until_due"),
      "days_until_due can only be set when collection_method is send_invoice.",
    );
  const pm = input.defaultPaymentMethod ?? null;
  if (pm && !paymentMethodUsable(ctx, pm, customer.id)) {
    throw invalidParam(
      P("default_payment_method"),
      `The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
      "resource_missing",
    );
  }
  const paymentBehavior = input.paymentBehavior ?? "allow_incomplete";
  if (paymentBehavior === "pending_if_incomplete")
    throw invalidParam(
      P("payment_behavior"),
      "payment_behavior=pending_if_incomplete is only supported on updates.",
    );

  // Trial.
  let trialEnd: number | null = null;
  if (input.trialEnd !== undefined && input.trialEnd !== "now") {
    if (input.trialEnd <= now)
      throw invalidParam(
        P("trial_end"),
        "Invalid timestamp: must be an integer Unix timestamp in the future.",
      );
    trialEnd = input.trialEnd;
  } else if (input.trialEnd === undefined && input.trialPeriodDays !== undefined) {
    if (input.trialPeriodDays > 730)
      throw invalidParam(P("trial_period_days"), "trial_period_days can be at most 730.");
    if (input.trialPeriodDays > 0) trialEnd = now + input.trialPeriodDays * 86_400;
  } else if (input.trialEnd === undefined && input.trialFromPlan) {
    const days = first.recurring?.trial_period_days ?? null;
    if (days) trialEnd = now + days * 86_400;
  }
  const trialSettings: Stripe.Subscription.TrialSettings = {
    end_behavior: {
      billing_cycle_anchor: null,
      missing_payment_method:
        input.trialSettings?.end_behavior.missing_payment_method ?? "create_invoice",
    },
  };
  if (input.billingCycleAnchor !== undefined) {
    if (input.billingCycleAnchor < now)
      throw invalidParam(P("billing_cycle_anchor"), "billing_cycle_anchor cannot be in the past.");
    const cadence = first.recurring as Stripe.Price.Recurring;
    if (
      input.billingCycleAnchor >
      addIntervals(trialEnd ?? now, cadence.interval, cadence.interval_count, 1)
    )
      throw invalidParam(
        P("billing_cycle_anchor"),
        "billing_cycle_anchor cannot be later than next natural billing date for plan.",
      );
  }
  if (input.cancelAt !== undefined && input.cancelAt <= now)
    throw invalidParam(P("cancel_at"), "cancel_at must be in the future.");
  const discountParams: DiscountParam[] = [
    ...(input.discounts ?? []),
    ...(input.coupon !== undefined ? [{ coupon: input.coupon }] : []),
    ...(input.promotionCode !== undefined ? [{ promotion_code: input.promotionCode }] : []),
  ];
  const firstAmount = prices.reduce(
    (s, p, i) => s + unitAmount(p) * (input.items[i]?.quantity ?? 1),
    0,
  );
  const resolved = resolveDiscountParams(ctx, discountParams, {
    customer: customer.id,
    amount: firstAmount,
    currency: first.currency,
    param: P("discounts"),
  });
  const oneOff = oneOffLines(
    ctx,
    input.addInvoiceItems ?? [],
    first.currency,
    P("add_invoice_items"),
  );
  input.items.forEach((it, i) => {
    if (it.quantity !== undefined && it.quantity < 0)
      throw invalidParam(`${P("items")}[${i}][quantity]`, "Quantity must be non-negative.");
  });

  // Period: a trial runs to trial_end; a future anchor gives a prorated first period.
  const cadence = first.recurring as Stripe.Price.Recurring;
  const anchor = input.billingCycleAnchor ?? trialEnd ?? now;
  const periodEnd =
    trialEnd ??
    (anchor > now ? anchor : addIntervals(anchor, cadence.interval, cadence.interval_count, 1));
  const period = { start: now, end: periodEnd };
  const needsPaymentNow =
    trialEnd === null && collection === "charge_automatically" && firstAmount > 0;
  if (
    needsPaymentNow &&
    !pm &&
    !customer.invoice_settings?.default_payment_method &&
    paymentBehavior !== "default_incomplete"
  ) {
    throw invalidRequest(
      "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
      {
        code: "resource_missing",
      },
    );
  }

  const id = ctx.ids.id("sub");
  const items = input.items.map((it, i) =>
    buildItem(
      ctx,
      id,
      prices[i] as Stripe.Price,
      it.quantity ?? 1,
      applyMetadata({}, it.metadata),
      period,
      now,
    ),
  );
  const sub = {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: input.cancelAt ?? (input.cancelAtPeriodEnd ? periodEnd : null),
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    canceled_at: input.cancelAtPeriodEnd || input.cancelAt !== undefined ? now : null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: collection,
    created: now,
    currency: first.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: input.daysUntilDue ?? null,
    default_payment_method: pm,
    default_source: null,
    default_tax_rates: [],
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
        : trialEnd !== null && oneOff.length === 0
          ? "trialing"
          : "incomplete",
    test_clock: clockId,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: trialSettings,
    trial_start: trialEnd !== null ? now : null,
  } as unknown as Stripe.Subscription;
  ctx.store.insert(sub);
  ctx.store.setPrivate(id, { paymentBehavior } satisfies SubscriptionPrivate);
  const discountIds = discountIdsFor(ctx, resolved, {
    customer: customer.id,
    subscription: id,
    start: now,
  });
  sub.discounts = discountIds;
  ctx.store.update(sub);
  ctx.emit("customer.subscription.created", sub);
  if (oneOff.length > 0) createInvoiceItems(ctx, sub, oneOff);

  // First invoice: $0 for a trial, prorated up to a future anchor, else a full period.
  const lines = itemLines(ctx, sub, items, period, trialEnd !== null);
  if (trialEnd === null && anchor > now && input.billingCycleAnchor !== undefined) {
    const full = addIntervals(anchor, cadence.interval, cadence.interval_count, -1);
    const fraction = (anchor - now) / (anchor - full);
    if (input.prorationBehavior === "none") lines.forEach((l) => (l.amount = 0));
    else lines.forEach((l) => (l.amount = Math.round(l.amount * fraction)));
  }
  let invoice = createDraftInvoice(ctx, {
    customer,
    currency: first.currency,
    lines,
    billingReason: "subscription_create",
    subscription: sub,
    collectionMethod: collection,
    daysUntilDue: input.daysUntilDue ?? null,
    discounts: discountIds,
    periodStart: now,
    periodEnd: now,
    includePendingItems: true,
  });
  // A `once` discount is spent on the first invoice with something to discount.
  const spent = invoice.subtotal > 0 ? consumeDiscounts(ctx, discountIds, now) : [];
  let current: Stripe.Subscription = {
    ...sub,
    latest_invoice: invoice.id,
    discounts: discountIds.filter((d) => !spent.includes(d)),
  };
  let outcome: ChargeOutcome | null = null;
  ctx.store.update(current);
  invoice = finalizeInvoice(ctx, invoice);
  current = getSubscription(ctx, id);

  if (
    invoice.status === "open" &&
    collection === "charge_automatically" &&
    paymentBehavior === "default_incomplete"
  ) {
    // The client confirms this intent (invoice.confirmation_secret) to activate the subscription.
    const pi = createInvoiceIntent(ctx, {
      customer: customer.id,
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      description: "Subscription creation",
      invoice: invoice.id,
    });
    ctx.store.setPrivate(invoice.id, { paymentIntent: pi.id } satisfies InvoicePrivate);
  }
  if (
    invoice.status === "open" &&
    collection === "charge_automatically" &&
    paymentBehavior !== "default_incomplete"
  ) {
    const result = attemptPayment(ctx, invoice, {
      paymentMethod: pm,
      offSession: input.offSession ?? false,
      ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
    });
    invoice = result.invoice;
    outcome = result.outcome;
    if (
      result.outcome &&
      result.outcome.status !== "succeeded" &&
      paymentBehavior === "error_if_incomplete"
    ) {
      // Nothing is kept: the whole request rolls back.
      if (result.outcome.status === "requires_action") {
        throw new ApiError(
          402,
          "card_error",
          "Payment for this subscription requires additional user action before it can be completed successfully.",
          {
            code: "invoice_payment_intent_requires_action",
          },
        );
      }
      throw new ApiError(402, "card_error", result.outcome.message, {
        code: result.outcome.code,
        ...(result.outcome.declineCode ? { declineCode: result.outcome.declineCode } : {}),
      });
    }
    current = getSubscription(ctx, id);
  }
  if (current.status === "incomplete" && invoice.status === "paid") {
    current = saveSubscription(ctx, current, {
      ...current,
      status: trialEnd !== null ? "trialing" : "active",
    });
  }
  scheduleSubscriptionJobs(ctx, current);
  return { subscription: current, invoice, outcome };
}

/** Proration lines for replacing (oldPrice × oldQty) by (newPrice × newQty) from `at` to period end. */
export function prorationLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  itemId: string,
  before: { price: Stripe.Price; quantity: number } | null,
  after: { price: Stripe.Price; quantity: number } | null,
  period: { start: number; end: number },
  at: number,
): LineInput[] {
  const span = period.end - period.start;
  if (span <= 0 || at >= period.end) return [];
  const fraction = (period.end - Math.max(at, period.start)) / span;
  const lines: LineInput[] = [];
  const date = formatDate(at);
  if (before) {
    lines.push({
      amount: -Math.round(unitAmount(before.price) * before.quantity * fraction),
      description: `Unused time on ${prorationSubject(ctx, before.price, before.quantity)} after ${date}`,
      period: { start: at, end: period.end },
      price: before.price,
      quantity: before.quantity,
      proration: true,
      subscription: sub.id,
      subscriptionItem: itemId,
    });
  }
  if (after) {
    lines.push({
      amount: Math.round(unitAmount(after.price) * after.quantity * fraction),
      description: `Remaining time on ${prorationSubject(ctx, after.price, after.quantity)} after ${date}`,
      period: { start: at, end: period.end },
      price: after.price,
      quantity: after.quantity,
      proration: true,
      subscription: sub.id,
      subscriptionItem: itemId,
    });
  }
  return lines;
}

/** "Pro plan" or "3 × Pro plan", as in Stripe's proration descriptions. */
function prorationSubject(ctx: Ctx, price: Stripe.Price, quantity: number): string {
  const name = productName(ctx, price);
  return quantity === 1 ? name : `${quantity} × ${name}`;
}

/** Stores proration lines as pending invoice items of the subscription. */
export function createInvoiceItems(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineInput[],
): Stripe.InvoiceItem[] {
  const now = ctx.clockNow(clockOf(sub));
  return lines.map((l) => {
    const ii: Stripe.InvoiceItem = {
      id: ctx.ids.id("ii"),
      object: "invoiceitem",
      amount: l.amount,
      currency: sub.currency,
      customer: idOf(sub.customer),
      customer_account: null,
      date: now,
      description: l.description,
      discountable: l.discountable ?? true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: l.metadata ?? {},
      net_amount: l.amount,
      parent: {
        type: "subscription_details",
        subscription_details: {
          subscription: sub.id,
          ...(l.subscriptionItem ? { subscription_item: l.subscriptionItem } : {}),
        },
      },
      period: l.period,
      pricing: l.price
        ? {
            type: "price_details",
            price_details: { price: l.price.id, product: idOf(l.price.product) },
            unit_amount_decimal: l.price.unit_amount_decimal,
          }
        : null,
      proration: l.proration ?? false,
      quantity: l.quantity ?? 1,
      quantity_decimal: String(l.quantity ?? 1) as unknown as Stripe.Decimal,
      tax_rates: [],
      test_clock: clockOf(sub),
    };
    ctx.store.insert(ii);
    ctx.emit("invoiceitem.created", ii);
    return ii;
  });
}

/**
 * Ends a subscription now: optional proration credit for the unused time and a final
 * invoice (`invoice_now`). Emits `customer.subscription.deleted`.
 */
export function cancelNow(
  ctx: Ctx,
  sub: Stripe.Subscription,
  options: {
    invoiceNow?: boolean | undefined;
    prorate?: boolean | undefined;
    reason: Stripe.Subscription.CancellationDetails.Reason;
    comment?: string | null | undefined;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null | undefined;
    /** A scheduled cancellation still bills the prorations waiting for the next invoice. */
    invoicePending?: boolean | undefined;
  },
): Stripe.Subscription {
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    throw invalidRequest(
      `A canceled subscription can only update its cancellation_details and metadata.`,
      { code: "invalid_canceled_subscription_fields" },
    );
  }
  const now = ctx.clockNow(clockOf(sub));
  const period = periodOf(sub);
  const customerId = idOf(sub.customer);
  const collectPending = options.invoiceNow === true || options.invoicePending === true;
  if (!collectPending) {
    // Canceling immediately drops the prorations still waiting for the next invoice.
    for (const ii of pendingInvoiceItems(ctx, customerId, sub.id)) {
      if (!ii.proration) continue;
      ctx.store.update({
        id: ii.id,
        object: "invoiceitem",
        deleted: true,
        customer: customerId,
        invoice: null,
      });
      ctx.emit("invoiceitem.deleted", ii);
    }
  }
  if (options.prorate && sub.status !== "trialing" && sub.status !== "incomplete") {
    const lines = sub.items.data.flatMap((item) =>
      prorationLines(
        ctx,
        sub,
        item.id,
        { price: item.price, quantity: item.quantity ?? 1 },
        null,
        period,
        now,
      ),
    );
    createInvoiceItems(
      ctx,
      sub,
      lines.filter((l) => l.amount !== 0),
    );
  }
  let latest = sub.latest_invoice;
  if (collectPending && pendingInvoiceItems(ctx, customerId, sub.id).length > 0) {
    // The final invoice: pending prorations (and the credit just created).
    const customer = getCustomer(ctx, customerId);
    const draft = createDraftInvoice(ctx, {
      customer,
      currency: sub.currency,
      lines: [],
      billingReason: "subscription_cycle",
      subscription: sub,
      includePendingItems: true,
      periodStart: period.start,
      periodEnd: now,
    });
    const inv = finalizeInvoice(ctx, draft);
    latest = inv.id;
    if (inv.status === "open" && inv.collection_method === "charge_automatically")
      attemptPayment(ctx, inv, { offSession: true });
  }
  // Stripe stops collecting the subscription's open invoices once it is canceled.
  for (const inv of ctx.store.list<Stripe.Invoice>("invoice", {
    customer: customerId,
    where: (i) =>
      i.status === "open" &&
      idOf(i.parent?.subscription_details?.subscription) === sub.id &&
      (i.auto_advance === true || i.next_payment_attempt !== null),
  })) {
    ctx.unschedule(jobId("billing.retry", inv.id));
    saveInvoice(ctx, inv, { ...inv, auto_advance: false, next_payment_attempt: null });
  }
  const next: Stripe.Subscription = {
    ...getSubscription(ctx, sub.id),
    status: "canceled",
    canceled_at: sub.canceled_at ?? now,
    ended_at: now,
    cancel_at: sub.cancel_at,
    latest_invoice: latest,
    cancellation_details: {
      comment: options.comment ?? sub.cancellation_details?.comment ?? null,
      feedback: options.feedback ?? sub.cancellation_details?.feedback ?? null,
      feedback_option: sub.cancellation_details?.feedback_option ?? null,
      reason: options.reason,
    },
  };
  if (next.canceled_at === null) next.canceled_at = now;
  ctx.store.update(next);
  scheduleSubscriptionJobs(ctx, next);
  ctx.unschedule(jobId("billing.cycle", sub.id));
  ctx.emit("customer.subscription.deleted", next);
  for (const hook of subscriptionHooks.onEnded) hook(ctx, next);
  return next;
}

export interface CancelOptions {
  atPeriodEnd?: boolean | undefined;
  invoiceNow?: boolean | undefined;
  prorate?: boolean | undefined;
  cancellationDetails?:
    | {
        comment?: string | null | undefined;
        feedback?: Stripe.Subscription.CancellationDetails.Feedback | null | undefined;
      }
    | undefined;
}

/**
 * `DELETE /v1/subscriptions/:id` (or `atPeriodEnd`, which is `cancel_at_period_end=true`).
 */
export function cancelSubscription(
  ctx: Ctx,
  id: string,
  options: CancelOptions = {},
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (options.atPeriodEnd) {
    if (sub.status === "canceled" || sub.status === "incomplete_expired")
      throw invalidRequest("This subscription is already canceled.");
    const now = ctx.clockNow(clockOf(sub));
    const { end } = periodOf(sub);
    const next: Stripe.Subscription = {
      ...sub,
      cancel_at_period_end: true,
      cancel_at: end,
      canceled_at: now,
      cancellation_details: {
        comment: options.cancellationDetails?.comment ?? sub.cancellation_details?.comment ?? null,
        feedback:
          options.cancellationDetails?.feedback ?? sub.cancellation_details?.feedback ?? null,
        feedback_option: sub.cancellation_details?.feedback_option ?? null,
        reason: "cancellation_requested",
      },
    };
    saveSubscription(ctx, sub, next);
    scheduleSubscriptionJobs(ctx, next);
    return next;
  }
  return cancelNow(ctx, sub, {
    invoiceNow: options.invoiceNow,
    prorate: options.prorate,
    reason: "cancellation_requested",
    comment: options.cancellationDetails?.comment,
    feedback: options.cancellationDetails?.feedback,
  });
}

// ---------------------------------------------------------------------------------------
// Reactions to invoice payment outcomes and the dunning schedule.

function subscriptionOfInvoice(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  return subId ? ctx.store.getTyped<Stripe.Subscription>("subscription", subId) : undefined;
}

function hasOtherOpenInvoices(ctx: Ctx, sub: Stripe.Subscription, except: string): boolean {
  return ctx.store
    .list<Stripe.Invoice>("invoice", {
      customer: idOf(sub.customer),
      where: (i) =>
        i.id !== except &&
        i.status === "open" &&
        idOf(i.parent?.subscription_details?.subscription) === sub.id &&
        i.collection_method === "charge_automatically",
    })
    .some(() => true);
}

invoiceHooks.onPaid.push((ctx, invoice) => {
  ctx.unschedule(jobId("billing.retry", invoice.id));
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (!sub) return;
  if (sub.status === "incomplete") {
    const next = saveSubscription(ctx, sub, {
      ...sub,
      status:
        sub.trial_end !== null && sub.trial_end > ctx.clockNow(clockOf(sub))
          ? "trialing"
          : "active",
      default_payment_method: savedPaymentMethod(ctx, sub, invoice) ?? sub.default_payment_method,
    });
    scheduleSubscriptionJobs(ctx, next);
  } else if (
    (sub.status === "past_due" || sub.status === "unpaid") &&
    !hasOtherOpenInvoices(ctx, sub, invoice.id)
  ) {
    saveSubscription(ctx, sub, { ...sub, status: "active" });
  }
});

/**
 * `payment_settings.save_default_payment_method: on_subscription`: the card that paid the
 * first invoice (confirmed by the client) becomes the subscription's default, attached to
 * the customer for later off-session renewals.
 */
function savedPaymentMethod(
  ctx: Ctx,
  sub: Stripe.Subscription,
  invoice: Stripe.Invoice,
): string | null {
  if (sub.payment_settings?.save_default_payment_method !== "on_subscription") return null;
  const record = ctx.store.list<Stripe.InvoicePayment>("invoice_payment", {
    where: (r) => r.invoice === invoice.id && r.status === "paid",
  })[0];
  const piId = record?.payment.payment_intent ? idOf(record.payment.payment_intent) : "";
  const pi = piId ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", piId) : undefined;
  const pmId = pi?.payment_method ? idOf(pi.payment_method) : "";
  const pm = pmId ? ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pmId) : undefined;
  if (!pm) return null;
  if (!pm.customer) attachPaymentMethod(ctx, pm.id, idOf(sub.customer));
  return pm.id;
}

function inDunning(sub: Stripe.Subscription | undefined): sub is Stripe.Subscription {
  return (
    sub !== undefined &&
    sub.status !== "incomplete" &&
    sub.status !== "canceled" &&
    sub.status !== "incomplete_expired"
  );
}

/**
 * When the next automatic attempt of a failed subscription invoice happens, decided before
 * the failure events go out so `invoice.payment_failed` carries `next_payment_attempt`:
 * the retry schedule counts from the first failure; a manual attempt keeps the plan.
 */
invoiceHooks.nextAttempt = (ctx, invoice, retry) => {
  if (!inDunning(subscriptionOfInvoice(ctx, invoice))) return null;
  const schedule = getBillingSettings(ctx).retrySchedule;
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoice.id) ?? {};
  if (priv.firstFailureAt == null) {
    const first = schedule[0];
    return first === undefined ? null : ctx.clockNow(clockOf(invoice)) + first;
  }
  if (!retry) return invoice.next_payment_attempt;
  const offset = schedule[(priv.retryIndex ?? 0) + 1];
  return offset === undefined ? null : priv.firstFailureAt + offset;
};

function onCollectionFailure(ctx: Ctx, invoice: Stripe.Invoice): void {
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (!inDunning(sub)) return;
  if (sub.status === "active" || sub.status === "trialing")
    saveSubscription(ctx, sub, { ...sub, status: "past_due" });
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoice.id) ?? {};
  if (priv.firstFailureAt != null) return;
  // First failure: the retry schedule starts (runRetry carries it on).
  ctx.store.setPrivate(invoice.id, {
    ...priv,
    firstFailureAt: ctx.clockNow(clockOf(invoice)),
    retryIndex: 0,
  } satisfies InvoicePrivate);
  scheduleRetry(ctx, invoice);
}

/** Schedules the retry job at the invoice's `next_payment_attempt`; false when there is none. */
function scheduleRetry(ctx: Ctx, invoice: Stripe.Invoice): boolean {
  if (invoice.next_payment_attempt === null) return false;
  ctx.schedule({
    id: jobId("billing.retry", invoice.id),
    kind: "billing.retry",
    runAt: invoice.next_payment_attempt,
    clockId: clockOf(invoice),
    payload: { invoice: invoice.id },
  });
  return true;
}

invoiceHooks.onPaymentFailed.push((ctx, invoice) => onCollectionFailure(ctx, invoice));
invoiceHooks.onActionRequired.push((ctx, invoice) => onCollectionFailure(ctx, invoice));

/** After the last retry failed: cancel, mark unpaid, or leave past_due (per settings). */
function finalFailure(ctx: Ctx, invoice: Stripe.Invoice): void {
  const settings = getBillingSettings(ctx);
  let inv = getInvoice(ctx, invoice.id);
  if (settings.markUncollectibleAfterFinalFailure && inv.status === "open")
    inv = markUncollectible(ctx, inv);
  const sub = subscriptionOfInvoice(ctx, inv);
  if (!sub || sub.status === "canceled") return;
  if (settings.afterFinalFailure === "cancel") {
    cancelNow(ctx, sub, { reason: "payment_failed" });
  } else if (settings.afterFinalFailure === "unpaid") {
    saveSubscription(ctx, sub, { ...sub, status: "unpaid" });
  }
}

// ---------------------------------------------------------------------------------------
// Jobs.

/** Renewal at period end (also ends trials): new period, invoice, finalize in an hour. */
export function runCycle(ctx: Ctx, subscriptionId: string, periodEnd: number): void {
  let sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || ["canceled", "incomplete", "incomplete_expired", "paused"].includes(sub.status))
    return;
  if (periodOf(sub).end !== periodEnd) return; // stale job: the period changed since it was scheduled
  for (const hook of subscriptionHooks.beforeCycle) hook(ctx, sub, periodEnd);
  sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || ["canceled", "incomplete_expired"].includes(sub.status)) return;
  const period = periodOf(sub);
  if (period.end !== periodEnd) return; // a hook restarted the period (and billed it)
  const now = ctx.clockNow(clockOf(sub));
  const resumesAt = sub.pause_collection?.resumes_at ?? null;
  if (resumesAt !== null && resumesAt <= now) {
    // Collection resumes on its own once `resumes_at` has passed.
    sub = saveSubscription(ctx, sub, { ...sub, pause_collection: null });
  }
  if (sub.cancel_at !== null && sub.cancel_at <= period.end) {
    cancelNow(ctx, sub, {
      reason: sub.cancellation_details?.reason ?? "cancellation_requested",
      invoicePending: true,
    });
    return;
  }
  const customer = getCustomer(ctx, idOf(sub.customer));
  const endingTrial = sub.status === "trialing";
  const hasPm = Boolean(
    sub.default_payment_method || customer.invoice_settings?.default_payment_method,
  );
  if (endingTrial && !hasPm && sub.collection_method === "charge_automatically") {
    const behavior = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
    if (behavior === "cancel") {
      cancelNow(ctx, sub, { reason: "cancellation_requested" });
      return;
    }
    if (behavior === "pause") {
      const paused = saveSubscription(ctx, sub, { ...sub, status: "paused" });
      ctx.emit("customer.subscription.paused", paused);
      scheduleSubscriptionJobs(ctx, paused);
      return;
    }
  }
  const { interval, count } = cadenceOf(sub);
  const newPeriod = {
    start: period.end,
    end: nextBoundary(sub.billing_cycle_anchor, interval, count, period.end),
  };
  const items = sub.items.data.map((it) => ({
    ...it,
    current_period_start: newPeriod.start,
    current_period_end: newPeriod.end,
  }));
  let next: Stripe.Subscription = {
    ...sub,
    items: { ...sub.items, data: items },
    status: endingTrial ? "active" : sub.status,
  };
  ctx.store.update(next);
  const discounts = activeDiscounts(ctx, sub.discounts.map(idOf), now).map((d) => d.id);
  const autoAdvance = sub.status !== "unpaid" && sub.pause_collection?.behavior !== "keep_as_draft";
  const pausedCollection =
    sub.pause_collection?.behavior === "void" ||
    sub.pause_collection?.behavior === "mark_uncollectible";
  const finalizesAt =
    autoAdvance && !pausedCollection ? now + getBillingSettings(ctx).draftFinalizeDelay : null;
  let invoice = createDraftInvoice(ctx, {
    customer,
    currency: sub.currency,
    lines: itemLines(ctx, next, items, newPeriod, false),
    billingReason: "subscription_cycle",
    subscription: next,
    discounts,
    periodStart: period.start,
    periodEnd: period.end,
    includePendingItems: true,
    // Unpaid subscriptions keep creating invoices, but as drafts nobody collects.
    autoAdvance,
    finalizesAt,
  });
  if (invoice.subtotal > 0) consumeDiscounts(ctx, discounts, now);
  next = {
    ...next,
    latest_invoice: invoice.id,
    discounts: activeDiscounts(ctx, sub.discounts.map(idOf), now).map((d) => d.id),
  };
  saveSubscription(ctx, sub, next);
  scheduleSubscriptionJobs(ctx, next);
  const pause = sub.pause_collection?.behavior;
  if (pause === "void" || pause === "mark_uncollectible") {
    invoice = finalizeInvoice(ctx, invoice, { autoAdvance: false });
    if (invoice.status === "open") {
      if (pause === "void") voidInvoice(ctx, invoice);
      else markUncollectible(ctx, invoice);
    }
    return;
  }
  if (invoice.auto_advance && finalizesAt !== null) {
    ctx.schedule({
      id: jobId("billing.finalize", invoice.id),
      kind: "billing.finalize",
      runAt: finalizesAt,
      clockId: clockOf(sub),
      payload: { invoice: invoice.id },
    });
  }
}

/** Finalizes a draft renewal invoice and collects it (charge) or leaves it open (send). */
export function runFinalize(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (!invoice || invoice.status !== "draft" || invoice.auto_advance === false) return;
  const open = finalizeInvoice(ctx, invoice);
  if (open.status === "open" && open.collection_method === "charge_automatically") {
    attemptPayment(ctx, open, { offSession: true });
  }
}

export function runRetry(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (!invoice || invoice.status !== "open") return;
  const { invoice: after, outcome } = attemptPayment(ctx, invoice, {
    offSession: true,
    retry: true,
  });
  if (!outcome || outcome.status === "succeeded") return;
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoiceId) ?? {};
  ctx.store.setPrivate(invoiceId, {
    ...priv,
    retryIndex: (priv.retryIndex ?? 0) + 1,
  } satisfies InvoicePrivate);
  if (!scheduleRetry(ctx, after)) finalFailure(ctx, after);
}

/** A `send_invoice` invoice still open at its due date: overdue, and its subscription past_due. */
export function runOverdue(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (invoice?.status !== "open") return;
  ctx.emit("invoice.overdue", invoice);
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (sub && (sub.status === "active" || sub.status === "trialing")) {
    saveSubscription(ctx, sub, { ...sub, status: "past_due" });
  }
}

export function runTrialWillEnd(ctx: Ctx, subscriptionId: string, trialEnd: number): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || sub.status !== "trialing" || sub.trial_end !== trialEnd) return;
  ctx.emit("customer.subscription.trial_will_end", sub);
}

export function runIncompleteExpire(ctx: Ctx, subscriptionId: string): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || sub.status !== "incomplete") return;
  const now = ctx.clockNow(clockOf(sub));
  const latest = sub.latest_invoice
    ? ctx.store.getTyped<Stripe.Invoice>("invoice", idOf(sub.latest_invoice))
    : undefined;
  if (latest?.status === "open") voidInvoice(ctx, latest);
  const next = saveSubscription(ctx, sub, { ...sub, status: "incomplete_expired", ended_at: now });
  scheduleSubscriptionJobs(ctx, next);
  for (const hook of subscriptionHooks.onEnded) hook(ctx, next);
}

export function runCancelAt(ctx: Ctx, subscriptionId: string, at: number): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (
    !sub ||
    sub.cancel_at !== at ||
    sub.status === "canceled" ||
    sub.status === "incomplete_expired"
  )
    return;
  cancelNow(ctx, sub, {
    reason: sub.cancellation_details?.reason ?? "cancellation_requested",
    invoicePending: true,
  });
}

/** A customer deleted in Stripe takes its subscriptions with it. */
export function cancelAllForCustomer(ctx: Ctx, customer: Stripe.Customer): void {
  for (const sub of ctx.store.list<Stripe.Subscription>("subscription", {
    customer: customer.id,
  })) {
    if (!isDeleted(sub) && sub.status !== "canceled" && sub.status !== "incomplete_expired") {
      cancelNow(ctx, sub, { reason: "cancellation_requested" });
    }
  }
}

export interface InlinePriceData {
  currency: string;
  product: string;
  recurring: { interval: "day" | "week" | "month" | "year"; interval_count?: number | undefined };
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  tax_behavior?: "exclusive" | "inclusive" | "unspecified" | undefined;
}

/**
 * `items[][price_data]`: Stripe creates a one-off price for it (not active in the catalog).
 * Errors name the field under `param` (`items[0][price_data][product]`).
 */
export function inlinePrice(ctx: Ctx, data: InlinePriceData, param: string): string {
  try {
    const price = createPrice(ctx, {
      currency: data.currency,
      product: data.product,
      recurring: {
        interval: data.recurring.interval,
        ...(data.recurring.interval_count !== undefined
          ? { interval_count: data.recurring.interval_count }
          : {}),
      },
      ...(data.unit_amount !== undefined ? { unit_amount: data.unit_amount } : {}),
      ...(data.unit_amount_decimal !== undefined
        ? { unit_amount_decimal: data.unit_amount_decimal }
        : {}),
      ...(data.tax_behavior !== undefined ? { tax_behavior: data.tax_behavior } : {}),
      active: false,
    });
    ctx.store.setPrivate(`inline-price:${price.id}`, true);
    return price.id;
  } catch (error) {
    if (error instanceof ApiError && error.options.param) {
      const [head = "", ...rest] = error.options.param.split("[");
      const full = `${param}[${head}]${rest.length ? `[${rest.join("[")}` : ""}`;
      throw new ApiError(error.status, error.type, error.message, {
        ...error.options,
        param: full,
      });
    }
    throw error;
  }
}

export interface OneOffItem {
  price: string;
  quantity?: number | undefined;
  metadata?: Record<string, string> | undefined;
  discountable?: boolean | undefined;
}

/**
 * `add_invoice_items`: one-off prices added to the next invoice, as invoice items of the
 * subscription. Validated (currency, one-time price) before anything is written.
 */
export function oneOffLines(
  ctx: Ctx,
  items: OneOffItem[],
  currencyCode: string,
  param: string,
): LineInput[] {
  return items.map((it, i) => {
    const price = getPrice(ctx, it.price, `${param}[${i}][price]`);
    if (price.recurring) {
      throw invalidParam(
        `${param}[${i}][price]`,
        "The price specified is a recurring price; add_invoice_items only accepts one-time prices.",
      );
    }
    if (price.currency !== currencyCode) {
      throw invalidParam(
        `${param}[${i}][price]`,
        `The price is in ${price.currency}, but the subscription is in ${currencyCode}.`,
      );
    }
    const quantity = it.quantity ?? 1;
    return {
      amount: unitAmount(price) * quantity,
      description: productName(ctx, price),
      period: { start: ctx.now(), end: ctx.now() },
      price,
      quantity,
      discountable: it.discountable ?? true,
      metadata: it.metadata ?? {},
    };
  });
}
