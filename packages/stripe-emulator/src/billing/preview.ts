import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { getCustomer } from "../resources/customers.ts";
import { activeDiscounts, resolveDiscountParams, type DiscountParam } from "./discounts.ts";
import { buildInvoice } from "./invoices/draft.ts";
import { clockOf, idOf } from "../core/util.ts";
import { itemDescription } from "./invoices/descriptions.ts";
import { pendingInvoiceItems, type LineInput } from "./invoices/lines.ts";
import { getSubscription, periodOf } from "./subscriptions/state.ts";
import { recurringPrice, unitAmount } from "./subscriptions/items.ts";
import { addIntervals, nextBoundary } from "./time.ts";
import { planChange, type PlanInput, type PlannedChange } from "./subscriptions/plan-change.ts";
import { isMetered, meteredLine } from "./meters/lines.ts";

export interface PreviewInput {
  customer?: string | undefined;
  subscription?: string | undefined;
  discounts?: DiscountParam[] | null | undefined;
  subscription_details?:
    | (PlanInput & {
        cancel_at_period_end?: boolean | undefined;
        cancel_now?: boolean | undefined;
      })
    | undefined;
}

/**
 * The subscription schedule module previews a scheduled subscription's next invoice (its
 * next phase may change the renewal) when no `subscription_details` are given.
 */
export const previewHooks: {
  scheduled?: (ctx: Ctx, sub: Stripe.Subscription, p: PreviewInput) => Stripe.Invoice;
} = {};

function previewId(ctx: Ctx): string {
  return `upcoming_${ctx.ids.id("in")}`;
}

/** Coupon ids from `discounts`: previews create no discount objects (see `computeTotals`). */
function previewCoupons(ctx: Ctx, p: PreviewInput, customer: string): string[] | undefined {
  if (!p.discounts) return undefined;
  return resolveDiscountParams(ctx, p.discounts, { customer, param: "discounts" }).map(
    (r) => r.existing ?? r.coupon.id,
  );
}

/** The next renewal of `sub` after the planned change, with the prorations it would carry. */
function previewRenewal(
  ctx: Ctx,
  sub: Stripe.Subscription,
  customer: Stripe.Customer,
  plan: PlannedChange,
  details: PreviewInput["subscription_details"],
  discounts: string[] | undefined,
): Stripe.Invoice {
  if (
    details?.cancel_at_period_end ||
    (sub.cancel_at !== null &&
      details?.cancel_at_period_end !== false &&
      sub.cancel_at <= plan.period.end)
  ) {
    throw invalidRequest(`No upcoming invoices for customer: ${customer.id}`, {
      code: "invoice_upcoming_none",
    });
  }
  const cadence = plan.items[0]?.price.recurring as Stripe.Price.Recurring;
  const next = {
    start: plan.period.end,
    end: nextBoundary(plan.anchor, cadence.interval, cadence.interval_count, plan.period.end),
  };
  const lines: LineInput[] = [
    ...(plan.behavior === "create_prorations" ? plan.prorations : []),
    // Metered items show the usage of the period so far, billed at its end.
    ...plan.items.map((i) =>
      isMetered(i.price)
        ? meteredLine(ctx, sub, i, plan.period, {
            trial: sub.status === "trialing",
            from: plan.meteredFrom.find((m) => m.item === i.id)?.from,
          })
        : {
            amount: unitAmount(i.price) * (i.quantity ?? 1),
            description: itemDescription(ctx, i.price, i.quantity ?? 1),
            period: next,
            price: i.price,
            quantity: i.quantity ?? 1,
            subscription: sub.id,
            subscriptionItem: i.id,
          },
    ),
  ];
  const invoice = buildInvoice(
    ctx,
    {
      customer,
      currency: sub.currency,
      lines,
      billingReason: "upcoming",
      subscription: sub,
      discounts:
        discounts ??
        activeDiscounts(ctx, sub.discounts.map(idOf), plan.period.end).map((d) => d.id),
      periodStart: plan.period.start,
      periodEnd: plan.period.end,
      ...(details?.proration_date !== undefined ? { prorationDate: plan.at } : {}),
    },
    { preview: true, pending: pendingInvoiceItems(ctx, customer.id, sub.id) },
  );
  return {
    ...invoice,
    id: previewId(ctx),
    created: plan.period.end,
    next_payment_attempt: plan.period.end + 3600,
  };
}

/**
 * An existing subscription: `always_invoice` (or a billing-period reset) previews the
 * invoice the update would create right away; otherwise the next renewal.
 */
function previewSubscription(
  ctx: Ctx,
  p: PreviewInput & { subscription: string },
  options: { ignoreSchedule?: boolean },
): Stripe.Invoice {
  const details = p.subscription_details;
  const sub = getSubscription(ctx, p.subscription, "subscription");
  if (p.customer !== undefined && p.customer !== idOf(sub.customer))
    throw invalidParam("customer", "The subscription does not belong to this customer.");
  if (sub.status === "canceled" || sub.status === "incomplete_expired")
    throw invalidRequest(`No upcoming invoices for customer: ${idOf(sub.customer)}`, {
      code: "invoice_upcoming_none",
    });
  if (sub.schedule && details === undefined && !options.ignoreSchedule && previewHooks.scheduled)
    return previewHooks.scheduled(ctx, sub, p);
  const customer = getCustomer(ctx, idOf(sub.customer));
  const plan = planChange(ctx, sub, details ?? {}, {
    register: false,
    paramPrefix: "subscription_details",
  });
  const discounts = previewCoupons(ctx, p, customer.id);
  const immediate =
    plan.reset || (plan.behavior === "always_invoice" && plan.prorations.length > 0);
  if (!immediate) return previewRenewal(ctx, sub, customer, plan, details, discounts);
  const invoice = buildInvoice(
    ctx,
    {
      customer,
      currency: sub.currency,
      lines: [...plan.prorations, ...plan.newPeriodLines],
      billingReason: "subscription_update",
      subscription: sub,
      ...(discounts ? { discounts } : {}),
      periodStart: plan.at,
      periodEnd: plan.at,
      prorationDate: plan.at,
    },
    { preview: true, pending: pendingInvoiceItems(ctx, customer.id, sub.id) },
  );
  return { ...invoice, id: previewId(ctx) };
}

/** A subscription that does not exist yet (`subscription_details[items]`): its first invoice. */
function previewNewSubscription(
  ctx: Ctx,
  customer: Stripe.Customer,
  p: PreviewInput,
  items: NonNullable<PlanInput["items"]>,
): Stripe.Invoice {
  const now = ctx.clockNow(clockOf(customer));
  const prices = items.map((it, i) => {
    if (it.price === undefined) throw missingParam(`subscription_details[items][${i}][price]`);
    return {
      price: recurringPrice(ctx, it.price, `subscription_details[items][${i}][price]`),
      quantity: it.quantity ?? 1,
    };
  });
  const first = prices[0]?.price as Stripe.Price;
  const cadence = first.recurring as Stripe.Price.Recurring;
  const period = {
    start: now,
    end: addIntervals(now, cadence.interval, cadence.interval_count, 1),
  };
  // A metered price bills usage in arrears: its first invoice carries a zero line.
  const lines: LineInput[] = prices.map(({ price, quantity }) => {
    const billed = isMetered(price) ? 0 : quantity;
    return {
      amount: unitAmount(price) * billed,
      description: itemDescription(ctx, price, billed),
      period,
      price,
      quantity: billed,
    };
  });
  const invoice = buildInvoice(
    ctx,
    {
      customer,
      currency: first.currency,
      lines,
      billingReason: "subscription_create",
      discounts: previewCoupons(ctx, p, customer.id) ?? [],
    },
    { preview: true, pending: [] },
  );
  return { ...invoice, id: previewId(ctx) };
}

/**
 * `POST /v1/invoices/create_preview`. With `subscription_details` changes it runs the same
 * planner as `subscriptions.update`, so the preview and the update agree to the cent.
 */
export function createPreview(
  ctx: Ctx,
  p: PreviewInput,
  options: { ignoreSchedule?: boolean } = {},
): Stripe.Invoice {
  if (p.subscription === undefined && p.customer === undefined) throw missingParam("customer");
  if (p.subscription !== undefined)
    return previewSubscription(ctx, { ...p, subscription: p.subscription }, options);
  const customer = getCustomer(ctx, p.customer ?? "", "customer");
  const items = p.subscription_details?.items;
  if (items && items.length > 0) return previewNewSubscription(ctx, customer, p, items);
  const pending = pendingInvoiceItems(ctx, customer.id, null);
  if (pending.length === 0)
    throw invalidRequest(`No upcoming invoices for customer: ${customer.id}`, {
      code: "invoice_upcoming_none",
    });
  const invoice = buildInvoice(
    ctx,
    {
      customer,
      currency: pending[0]?.currency ?? "usd",
      lines: [],
      billingReason: "manual",
      discounts: [],
    },
    { preview: true, pending },
  );
  return { ...invoice, id: previewId(ctx) };
}

/** `invoice.upcoming`, a few days before a renewal (see settings). */
export function runUpcoming(ctx: Ctx, subscriptionId: string, periodEnd: number): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || !["active", "trialing", "past_due"].includes(sub.status)) return;
  if (periodOf(sub).end !== periodEnd || (sub.cancel_at !== null && sub.cancel_at <= periodEnd))
    return;
  const preview = createPreview(ctx, { subscription: sub.id });
  ctx.emit("invoice.upcoming", { ...preview, id: null });
}
