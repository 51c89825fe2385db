import { usageCounters } from "@folio/db";
import { eq } from "drizzle-orm";
import { userIdForStripeCustomer } from "../records/customer-link.ts";
import type { SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import { lockWallets } from "../wallets/ledger.ts";
import { countersAt, NO_ALLOWANCE, planTermsAt } from "./plan.ts";

/**
 * Keeps the open period's counters on the customer's current plan. An upgrade or downgrade in
 * the same billing period changes the allowance at once (usage so far still counts); a plan that
 * starts a new period series (a first subscription, a cancellation back to no plan) closes the
 * old counters where the new period begins, so the next event opens counters on the new terms.
 */
export const usagePlanHook: SyncHook = {
  types: ["subscription"],
  async write(tx, change) {
    if (change.type !== "subscription") return;
    const customerId = idOf(change.object.customer);
    if (!customerId) return;
    const userId = await userIdForStripeCustomer(tx, customerId);
    if (!userId) return;
    const now = change.clock.now();
    await lockWallets(tx, [userId]);
    const open = await countersAt(tx, userId, now);
    if (open.length === 0) return;
    const terms = await planTermsAt(tx, userId, now);
    for (const c of open) {
      const t = terms.meters.get(c.meterKey) ?? NO_ALLOWANCE;
      const start = terms.period.start.getTime();
      if (c.periodStart.getTime() === start) {
        if (
          c.included === t.included &&
          c.overage === t.overage &&
          c.subscriptionId === terms.subscriptionId &&
          c.periodEnd.getTime() === terms.period.end.getTime()
        ) {
          continue;
        }
        await tx
          .update(usageCounters)
          .set({
            included: t.included,
            overage: t.overage,
            subscriptionId: terms.subscriptionId,
            periodEnd: terms.period.end,
            updatedAt: now,
          })
          .where(eq(usageCounters.id, c.id));
      } else if (start > c.periodStart.getTime()) {
        await tx
          .update(usageCounters)
          .set({ periodEnd: terms.period.start, updatedAt: now })
          .where(eq(usageCounters.id, c.id));
      }
    }
  },
};
