import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf } from "../../core/util.ts";
import { getSubscription, saveSubscription } from "./state.ts";

/**
 * `POST /v1/subscriptions/:id/migrate`: moves a classic subscription to flexible billing mode
 * (there is no way back). Migrating a subscription already flexible changes nothing.
 */
export function migrateBillingMode(
  ctx: Ctx,
  id: string,
  mode: {
    type: "flexible";
    flexible?: { proration_discounts?: "included" | "itemized" | undefined } | undefined;
  },
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    throw invalidRequest("A canceled subscription can't be migrated to another billing mode.");
  }
  if (sub.billing_mode.type === "flexible") return sub;
  return saveSubscription(ctx, sub, {
    ...sub,
    billing_mode: {
      type: mode.type,
      flexible: { proration_discounts: mode.flexible?.proration_discounts ?? "included" },
      updated_at: ctx.clockNow(clockOf(sub)),
    },
  });
}
