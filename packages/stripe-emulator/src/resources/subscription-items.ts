import type Stripe from "stripe";
import { z } from "zod";
import { missingParam, resourceMissing } from "../core/errors.ts";
import { paginate } from "../core/list.ts";
import { bool, int, listShape, metadata, obj, oneOf, parseParams } from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { getSubscription, subscriptionOfItem } from "../billing/subscriptions/state.ts";
import { updateSubscription } from "../billing/subscriptions/update.ts";
import { itemPrice } from "./subscriptions/items.ts";
import { priceDataParam } from "./subscriptions/params.ts";

const prorationShape = {
  proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int().optional(),
  payment_behavior: oneOf([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
};

const createSchema = obj({
  subscription: z.string(),
  price: z.string().optional(),
  price_data: priceDataParam().optional(),
  quantity: int({ min: 0 }).optional(),
  metadata: metadata().optional(),
  ...prorationShape,
});

const updateSchema = obj({
  price: z.string().optional(),
  price_data: priceDataParam().optional(),
  quantity: int({ min: 0 }).optional(),
  metadata: metadata().optional(),
  off_session: bool().optional(),
  ...prorationShape,
});

const deleteSchema = obj({
  clear_usage: bool().optional(),
  ...prorationShape,
});

function getItem(
  ctx: Ctx,
  id: string,
): { sub: Stripe.Subscription; item: Stripe.SubscriptionItem } {
  const subId = subscriptionOfItem(ctx, id);
  const sub = subId ? ctx.store.getTyped<Stripe.Subscription>("subscription", subId) : undefined;
  const item = sub?.items.data.find((i) => i.id === id);
  if (!sub || !item) throw resourceMissing("subscription item", id);
  return { sub, item };
}

/** Subscription items live inside their subscription; these endpoints edit it through update. */
export const subscriptionItemsModule: EmulatorModule = {
  name: "subscription_items",
  routes: [
    {
      method: "POST",
      path: "/v1/subscription_items",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        const before = getSubscription(ctx, p.subscription);
        const known = new Set(before.items.data.map((i) => i.id));
        const price = itemPrice(ctx, p, "");
        if (price === undefined) throw missingParam("price");
        const after = updateSubscription(ctx, before.id, {
          items: [{ price, quantity: p.quantity, metadata: p.metadata }],
          proration_behavior: p.proration_behavior,
          proration_date: p.proration_date,
          payment_behavior: p.payment_behavior,
        });
        const items = after.pending_update?.subscription_items ?? after.items.data;
        return items.find((i) => !known.has(i.id));
      },
    },
    {
      method: "GET",
      path: "/v1/subscription_items/:id",
      handler: (ctx, req) => getItem(ctx, req.pathParams.id ?? "").item,
    },
    {
      method: "POST",
      path: "/v1/subscription_items/:id",
      handler: (ctx, req) => {
        const { sub, item } = getItem(ctx, req.pathParams.id ?? "");
        const p = parseParams(updateSchema, req.params);
        const after = updateSubscription(ctx, sub.id, {
          items: [
            {
              id: item.id,
              price: itemPrice(ctx, p, ""),
              quantity: p.quantity,
              metadata: p.metadata,
            },
          ],
          proration_behavior: p.proration_behavior,
          proration_date: p.proration_date,
          payment_behavior: p.payment_behavior,
          off_session: p.off_session,
        });
        const items = after.pending_update?.subscription_items ?? after.items.data;
        return items.find((i) => i.id === item.id);
      },
    },
    {
      method: "DELETE",
      path: "/v1/subscription_items/:id",
      handler: (ctx, req) => {
        const { sub, item } = getItem(ctx, req.pathParams.id ?? "");
        const p = parseParams(deleteSchema, req.params);
        updateSubscription(ctx, sub.id, {
          items: [{ id: item.id, deleted: true }],
          proration_behavior: p.proration_behavior,
          proration_date: p.proration_date,
          payment_behavior: p.payment_behavior,
        });
        const deleted: Stripe.DeletedSubscriptionItem = {
          id: item.id,
          object: "subscription_item",
          deleted: true,
        };
        return deleted;
      },
    },
    {
      method: "GET",
      path: "/v1/subscription_items",
      handler: (ctx, req) => {
        const p = parseParams(obj({ ...listShape, subscription: z.string() }), req.params);
        const sub = getSubscription(ctx, p.subscription);
        return paginate(sub.items.data, p, "/v1/subscription_items");
      },
    },
  ],
};
