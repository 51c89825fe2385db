import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  bool,
  currency,
  emptyable,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  rangeFilter,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { clockOf, idOf } from "../core/util.ts";
import { cancelAllForCustomer, cancelSubscription } from "../billing/subscriptions/cancel.ts";
import { createSubscription } from "../billing/subscriptions/create.ts";
import { getSubscription, saveSubscription } from "../billing/subscriptions/state.ts";
import { inlinePrice, type InlinePriceData } from "../billing/subscriptions/inline-price.ts";
import { type OneOffItem } from "../billing/subscriptions/prorations.ts";
import {
  runCancelAt,
  runCycle,
  runFinalize,
  runIncompleteExpire,
  runTrialWillEnd,
} from "../billing/subscriptions/cycle.ts";
import { runOverdue, runRetry } from "../billing/subscriptions/dunning.ts";
import { pauseSubscription, resumeSubscription } from "../billing/subscriptions/pause.ts";
import { runPendingExpire } from "../billing/subscriptions/pending-update.ts";
import { updateSubscription } from "../billing/subscriptions/update.ts";
import {
  getBillingSettings,
  setBillingSettings,
  type BillingSettings,
} from "../billing/settings.ts";
import { runUpcoming } from "../billing/preview.ts";
import { customerHooks } from "./customers.ts";
import { createPrice } from "./prices.ts";
import { CANCELLATION_FEEDBACK, discountParam } from "./shared.ts";
import { resolveTaxRates } from "../tax/rates.ts";

const feedback = oneOf(CANCELLATION_FEEDBACK);

const cancellationDetails = () =>
  obj({
    comment: emptyable(str({ max: 5000 })).optional(),
    feedback: emptyable(feedback).optional(),
  });

const trialSettings = () =>
  obj({
    end_behavior: obj({
      missing_payment_method: oneOf(["cancel", "create_invoice", "pause"]),
    }),
  });

/** `items[][price_data]`: an inline recurring price. */
export const priceDataParam = () =>
  obj({
    currency: currency(),
    product: z.string(),
    recurring: obj({
      interval: oneOf(["day", "week", "month", "year"]),
      interval_count: int({ min: 1 }).optional(),
    }),
    unit_amount: int({ min: 0 }).optional(),
    unit_amount_decimal: z.string().optional(),
    tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
  });

/** The price id of an item given by `price` or `price_data` (which creates one). */
export function itemPrice(
  ctx: Ctx,
  item: { price?: string | undefined; price_data?: InlinePriceData | undefined },
  param: string,
): string | undefined {
  const at = (name: string) => (param ? `${param}[${name}]` : name);
  if (item.price !== undefined && item.price_data !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
      code: "parameters_exclusive",
      param: at("price"),
    });
  }
  if (item.price_data !== undefined) return inlinePrice(ctx, item.price_data, at("price_data"));
  return item.price;
}

const addInvoiceItem = () =>
  obj({
    price: z.string().optional(),
    price_data: obj({
      currency: currency(),
      product: z.string(),
      unit_amount: int({ min: 0 }).optional(),
      unit_amount_decimal: z.string().optional(),
      tax_behavior: oneOf(["exclusive", "inclusive", "unspecified"]).optional(),
    }).optional(),
    quantity: int({ min: 1 }).optional(),
    metadata: metadata().optional(),
    discountable: bool().optional(),
  });

type AddInvoiceItemParam = z.output<ReturnType<typeof addInvoiceItem>>;

/** Resolves `add_invoice_items` to price ids, creating one-time prices for `price_data`. */
function oneOffItems(ctx: Ctx, items: AddInvoiceItemParam[] | undefined): OneOffItem[] | undefined {
  return items?.map((it, i) => {
    const param = `add_invoice_items[${i}]`;
    if (it.price !== undefined && it.price_data !== undefined) {
      throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
        code: "parameters_exclusive",
        param: `${param}[price]`,
      });
    }
    let price = it.price;
    if (it.price_data !== undefined) {
      const data = it.price_data;
      price = createPrice(ctx, {
        currency: data.currency,
        product: data.product,
        ...(data.unit_amount !== undefined ? { unit_amount: data.unit_amount } : {}),
        ...(data.unit_amount_decimal !== undefined
          ? { unit_amount_decimal: data.unit_amount_decimal }
          : {}),
        ...(data.tax_behavior !== undefined ? { tax_behavior: data.tax_behavior } : {}),
        active: false,
      }).id;
    }
    if (price === undefined) throw missingParam(`${param}[price]`);
    return {
      price,
      quantity: it.quantity,
      metadata: it.metadata ?? undefined,
      discountable: it.discountable,
    };
  });
}

const createSchema = obj({
  customer: z.string(),
  add_invoice_items: list(addInvoiceItem()).optional(),
  items: list(
    obj({
      price: z.string().optional(),
      price_data: priceDataParam().optional(),
      quantity: int({ min: 0 }).optional(),
      metadata: metadata().optional(),
      tax_rates: list(z.string()).optional(),
    }),
  ),
  default_payment_method: z.string().optional(),
  trial_period_days: int({ min: 0 }).optional(),
  trial_end: z.union([z.literal("now"), int()]).optional(),
  trial_from_plan: bool().optional(),
  trial_settings: trialSettings().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  metadata: metadata().optional(),
  description: str({ max: 500 }).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  payment_behavior: oneOf([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
  billing_cycle_anchor: int().optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  cancel_at_period_end: bool().optional(),
  cancel_at: int().optional(),
  off_session: bool().optional(),
  currency: z.string().optional(),
  payment_settings: obj({
    save_default_payment_method: oneOf(["off", "on_subscription"]).optional(),
    payment_method_types: emptyable(list(z.string())).optional(),
  }).optional(),
  automatic_tax: obj({ enabled: bool() }).optional(),
  default_tax_rates: list(z.string()).optional(),
});

const itemUpdate = () =>
  obj({
    id: z.string().optional(),
    price: z.string().optional(),
    price_data: priceDataParam().optional(),
    quantity: int({ min: 0 }).optional(),
    deleted: bool().optional(),
    metadata: metadata().optional(),
    clear_usage: bool().optional(),
  });

export const updateSchema = obj({
  items: list(itemUpdate()).optional(),
  add_invoice_items: list(addInvoiceItem()).optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int().optional(),
  payment_behavior: oneOf([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
  cancel_at_period_end: bool().optional(),
  cancel_at: emptyable(int()).optional(),
  cancellation_details: cancellationDetails().optional(),
  pause_collection: emptyable(
    obj({
      behavior: oneOf(["keep_as_draft", "mark_uncollectible", "void"]),
      resumes_at: int().optional(),
    }),
  ).optional(),
  trial_end: z.union([z.literal("now"), int()]).optional(),
  trial_settings: trialSettings().optional(),
  default_payment_method: emptyable(z.string()).optional(),
  description: emptyable(str({ max: 500 })).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  off_session: bool().optional(),
  billing_cycle_anchor: z
    .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
    .optional(),
});

export type SubscriptionUpdate = z.output<typeof updateSchema>;

const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  price: z.string().optional(),
  plan: z.string().optional(),
  status: oneOf([
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
  ]).optional(),
  test_clock: z.string().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  current_period_end: rangeFilter().optional(),
  current_period_start: rangeFilter().optional(),
});

const cancelSchema = obj({
  invoice_now: bool().optional(),
  prorate: bool().optional(),
  cancellation_details: cancellationDetails().optional(),
});

const pauseSchema = obj({
  type: oneOf(["subscription"]).optional(),
  invoicing_behavior: oneOf(["invoice", "pending_invoice_item"]).optional(),
  bill_for: obj({
    outstanding_usage_through: obj({ type: oneOf(["none", "now"]) }).optional(),
    unused_time_from: obj({ type: oneOf(["item_current_period_start", "none", "now"]) }).optional(),
  }).optional(),
});

const resumeSchema = obj({
  billing_cycle_anchor: z
    .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
    .optional(),
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int().optional(),
  payment_behavior: oneOf(["resume_on_payment_attempt", "resume_on_payment_success"]).optional(),
});

function inRange(
  value: number,
  r: { gt?: number; gte?: number; lt?: number; lte?: number } | undefined,
): boolean {
  if (!r) return true;
  return (
    (r.gt === undefined || value > r.gt) &&
    (r.gte === undefined || value >= r.gte) &&
    (r.lt === undefined || value < r.lt) &&
    (r.lte === undefined || value <= r.lte)
  );
}

const seconds = z.coerce.number().int().min(0);
const settingsSchema = z.strictObject({
  retrySchedule: z.array(seconds).optional(),
  afterFinalFailure: z.enum(["cancel", "unpaid", "past_due"]).optional(),
  markUncollectibleAfterFinalFailure: z.coerce.boolean().optional(),
  draftFinalizeDelay: seconds.optional(),
  trialWillEndBefore: seconds.optional(),
  upcomingInvoiceBefore: seconds.optional(),
  incompleteExpiresAfter: seconds.optional(),
});

/** Control bodies are JSON; errors name the setting like API errors name params. */
function parseSettings(body: unknown): Partial<BillingSettings> {
  const result = settingsSchema.safeParse(body ?? {});
  if (result.success) {
    return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined));
  }
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join(".") ?? "";
  const key = issue?.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : param;
  throw invalidParam(key, `Invalid billing setting ${key}: ${issue?.message ?? "invalid"}`);
}

const ENDED = new Set(["canceled", "incomplete_expired"]);

customerHooks.beforeDelete.push(cancelAllForCustomer);

export const subscriptionsModule: EmulatorModule = {
  name: "subscriptions",
  routes: [
    {
      method: "POST",
      path: "/v1/subscriptions",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        const { subscription } = createSubscription(ctx, {
          customer: p.customer,
          items: p.items.map((i, n) => {
            const price = itemPrice(ctx, i, `items[${n}]`);
            if (price === undefined) throw missingParam(`items[${n}][price]`);
            const taxRates = i.tax_rates
              ? resolveTaxRates(ctx, i.tax_rates, `items[${n}][tax_rates]`)
              : undefined;
            return { price, quantity: i.quantity, metadata: i.metadata, taxRates };
          }),
          defaultPaymentMethod: p.default_payment_method,
          trialPeriodDays: p.trial_period_days,
          trialEnd: p.trial_end,
          trialFromPlan: p.trial_from_plan,
          trialSettings: p.trial_settings
            ? { end_behavior: { billing_cycle_anchor: null, ...p.trial_settings.end_behavior } }
            : undefined,
          discounts: p.discounts ?? undefined,
          metadata: p.metadata,
          description: p.description,
          collectionMethod: p.collection_method,
          daysUntilDue: p.days_until_due,
          paymentBehavior: p.payment_behavior,
          billingCycleAnchor: p.billing_cycle_anchor,
          prorationBehavior: p.proration_behavior,
          cancelAtPeriodEnd: p.cancel_at_period_end,
          cancelAt: p.cancel_at,
          offSession: p.off_session,
          saveDefaultPaymentMethod: p.payment_settings?.save_default_payment_method,
          addInvoiceItems: oneOffItems(ctx, p.add_invoice_items),
          paymentMethodTypes: p.payment_settings?.payment_method_types,
          automaticTax: p.automatic_tax?.enabled,
          defaultTaxRates: p.default_tax_rates
            ? resolveTaxRates(ctx, p.default_tax_rates, "default_tax_rates")
            : undefined,
        });
        return subscription;
      },
    },
    {
      method: "GET",
      path: "/v1/subscriptions/search",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            query: z.string(),
            limit: int({ min: 1, max: 100 }).optional(),
            page: z.string().optional(),
          }),
          req.params,
        );
        // Supports `status:'x'`, `customer:'cus_x'` and `metadata['k']:'v'` joined by AND.
        const terms = p.query.split(/\s+AND\s+/i).map((t) => {
          const m = /^(status|customer|metadata\[['"]([^'"]+)['"]\])\s*:\s*['"](.*)['"]$/.exec(
            t.trim(),
          );
          if (!m) throw invalidParam("query", `Unsupported search query: ${t}`);
          return {
            field: m[2] !== undefined ? `metadata:${m[2]}` : (m[1] ?? ""),
            value: m[3] ?? "",
          };
        });
        const all = ctx.store.list<Stripe.Subscription>("subscription", {
          where: (s) =>
            terms.every((t) =>
              t.field.startsWith("metadata:")
                ? s.metadata[t.field.slice(9)] === t.value
                : String((s as unknown as Record<string, unknown>)[t.field]) === t.value,
            ),
        });
        const offset = p.page ? Number(Buffer.from(p.page, "base64url").toString()) || 0 : 0;
        const limit = p.limit ?? 10;
        const hasMore = offset + limit < all.length;
        return {
          object: "search_result",
          data: all.slice(offset, offset + limit),
          has_more: hasMore,
          next_page: hasMore ? Buffer.from(String(offset + limit)).toString("base64url") : null,
          url: "/v1/subscriptions/search",
        };
      },
    },
    {
      method: "GET",
      path: "/v1/subscriptions/:id",
      handler: (ctx, req) => getSubscription(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/subscriptions/:id",
      handler: (ctx, req) => {
        const p = parseParams(updateSchema, req.params);
        const items = p.items?.map(({ price_data, ...item }, n) => ({
          ...item,
          price: itemPrice(ctx, { price: item.price, price_data }, `items[${n}]`),
        }));
        return updateSubscription(ctx, req.pathParams.id ?? "", {
          ...p,
          items,
          add_invoice_items: oneOffItems(ctx, p.add_invoice_items),
        });
      },
    },
    {
      method: "DELETE",
      path: "/v1/subscriptions/:id",
      handler: (ctx, req) => {
        const p = parseParams(cancelSchema, req.params);
        return cancelSubscription(ctx, req.pathParams.id ?? "", {
          invoiceNow: p.invoice_now,
          prorate: p.prorate,
          cancellationDetails: p.cancellation_details,
        });
      },
    },
    {
      method: "DELETE",
      path: "/v1/subscriptions/:id/discount",
      handler: (ctx, req) => {
        parseParams(obj({}), req.params);
        const sub = getSubscription(ctx, req.pathParams.id ?? "", "id");
        const ids = sub.discounts.map(idOf);
        const first = ids[0] ? ctx.store.getTyped<Stripe.Discount>("discount", ids[0]) : undefined;
        if (!first) {
          throw resourceMissing("discount", `for subscription ${sub.id}`, "id");
        }
        for (const id of ids) {
          const d = ctx.store.getTyped<Stripe.Discount>("discount", id);
          if (d) ctx.emit("customer.discount.deleted", d);
        }
        saveSubscription(ctx, sub, { ...sub, discounts: [] });
        const { end: _end, ...rest } = first;
        const deleted: Stripe.DeletedDiscount = { ...rest, deleted: true };
        return deleted;
      },
    },
    {
      method: "POST",
      path: "/v1/subscriptions/:id/pause",
      handler: (ctx, req) => {
        const p = parseParams(pauseSchema, req.params);
        return pauseSubscription(ctx, req.pathParams.id ?? "", {
          creditUnusedTime: (p.bill_for?.unused_time_from?.type ?? "now") !== "none",
          invoiceNow: (p.invoicing_behavior ?? "invoice") === "invoice",
        });
      },
    },
    {
      method: "POST",
      path: "/v1/subscriptions/:id/resume",
      handler: (ctx, req) => {
        const p = parseParams(resumeSchema, req.params);
        const anchor =
          typeof p.billing_cycle_anchor === "object"
            ? p.billing_cycle_anchor.type
            : p.billing_cycle_anchor;
        return resumeSubscription(ctx, req.pathParams.id ?? "", {
          billingCycleAnchor: anchor ?? "now",
          prorationBehavior: p.proration_behavior ?? "create_prorations",
          prorationDate: p.proration_date,
        });
      },
    },
    {
      method: "GET",
      path: "/v1/subscriptions",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        const priceFilter = p.price ?? p.plan;
        return listObjects<Stripe.Subscription>(ctx, "subscription", p, "/v1/subscriptions", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          where: (s) => {
            const status = p.status;
            if (status === undefined) {
              if (ENDED.has(s.status)) return false;
            } else if (status === "ended") {
              if (!ENDED.has(s.status)) return false;
            } else if (status !== "all" && s.status !== status) return false;
            if (priceFilter !== undefined && !s.items.data.some((i) => i.price.id === priceFilter))
              return false;
            if (p.test_clock !== undefined && clockOf(s) !== p.test_clock) return false;
            if (p.collection_method !== undefined && s.collection_method !== p.collection_method)
              return false;
            const first = s.items.data[0];
            if (
              p.current_period_end &&
              !inRange(first?.current_period_end ?? 0, p.current_period_end)
            )
              return false;
            if (
              p.current_period_start &&
              !inRange(first?.current_period_start ?? 0, p.current_period_start)
            )
              return false;
            return true;
          },
        });
      },
    },
  ],
  control: [
    {
      method: "GET",
      path: "/_emulator/billing/settings",
      handler: (ctx) => getBillingSettings(ctx),
    },
    {
      method: "POST",
      path: "/_emulator/billing/settings",
      handler: (ctx, req) => setBillingSettings(ctx, parseSettings(req.body)),
    },
  ],
  jobs: {
    "billing.pending_expire": (ctx, payload) =>
      runPendingExpire(ctx, (payload as { subscription: string }).subscription),
    "billing.cycle": (ctx, payload) => {
      const p = payload as { subscription: string; periodEnd: number };
      runCycle(ctx, p.subscription, p.periodEnd);
    },
    "billing.finalize": (ctx, payload) =>
      runFinalize(ctx, (payload as { invoice: string }).invoice),
    "billing.retry": (ctx, payload) => runRetry(ctx, (payload as { invoice: string }).invoice),
    "billing.overdue": (ctx, payload) => runOverdue(ctx, (payload as { invoice: string }).invoice),
    "billing.trial_will_end": (ctx, payload) => {
      const p = payload as { subscription: string; trialEnd: number };
      runTrialWillEnd(ctx, p.subscription, p.trialEnd);
    },
    "billing.incomplete_expire": (ctx, payload) =>
      runIncompleteExpire(ctx, (payload as { subscription: string }).subscription),
    "billing.cancel_at": (ctx, payload) => {
      const p = payload as { subscription: string; at: number };
      runCancelAt(ctx, p.subscription, p.at);
    },
    "billing.upcoming": (ctx, payload) => {
      const p = payload as { subscription: string; periodEnd: number };
      runUpcoming(ctx, p.subscription, p.periodEnd);
    },
  },
};
