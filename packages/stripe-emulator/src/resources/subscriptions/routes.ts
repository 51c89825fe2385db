import type Stripe from "stripe";
import { z } from "zod";
import { cancelSubscription } from "../../billing/subscriptions/cancel.ts";
import { createSubscription } from "../../billing/subscriptions/create.ts";
import { migrateBillingMode } from "../../billing/subscriptions/migrate.ts";
import { pauseSubscription, resumeSubscription } from "../../billing/subscriptions/pause.ts";
import { getSubscription, saveSubscription } from "../../billing/subscriptions/state.ts";
import { updateSubscription } from "../../billing/subscriptions/update.ts";
import { invalidParam, missingParam, resourceMissing } from "../../core/errors.ts";
import { listObjects } from "../../core/list.ts";
import { inRange, int, obj, parseParams } from "../../core/params.ts";
import type { ApiRoute } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { itemPrice, oneOffItems } from "./items.ts";
import {
  cancelSchema,
  createSchema,
  listSchema,
  migrateSchema,
  pauseSchema,
  resumeSchema,
  updateSchema,
} from "./params.ts";
import { resolveTaxRates } from "../../tax/rates.ts";

/** The subscription endpoints: create, search, retrieve, update, cancel, discount, pause, resume,
 * migrate (billing mode), list. */

const ENDED = new Set(["canceled", "incomplete_expired"]);

export const subscriptionRoutes: ApiRoute[] = [
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
        billingMode: p.billing_mode,
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
    path: "/v1/subscriptions/:id/migrate",
    handler: (ctx, req) => {
      const p = parseParams(migrateSchema, req.params);
      return migrateBillingMode(ctx, req.pathParams.id ?? "", p.billing_mode);
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
];
