import { refunds } from "@folio/db";
import { and, eq, isNull, ne, or } from "drizzle-orm";
import { audit } from "../../audit/audit.ts";
import { syncActor } from "../../audit/actor.ts";
import type { SyncHook } from "../../sync/hooks.ts";
import { statusOfStripeRefund } from "./status.ts";

/**
 * Folio's refund requests follow Stripe: each newer version of a Stripe refund (the write path's
 * own store, refund.created/updated, charge.refund.updated, a backfill) sets the request's state
 * and failure reason. The request is found by its Stripe refund id, or — when the webhook beats
 * the write path — by the `folio_refund_id` Folio put in the refund's metadata. A change of state
 * is audited, so a failure shows on the customer's timeline.
 */
export const refundRequestHook: SyncHook = {
  types: ["refund"],
  async write(tx, change) {
    if (change.type !== "refund") return;
    const refund = change.object;
    const folioId = refund.metadata?.folio_refund_id;
    const row = await tx
      .select({ id: refunds.id, status: refunds.status, stripeRefundId: refunds.stripeRefundId })
      .from(refunds)
      .where(
        or(
          eq(refunds.stripeRefundId, refund.id),
          folioId ? and(eq(refunds.id, folioId), isNull(refunds.stripeRefundId)) : undefined,
        ),
      )
      .get();
    if (!row) return;
    const status = statusOfStripeRefund(refund.status);
    const at = change.clock.now();
    await tx
      .update(refunds)
      .set({
        stripeRefundId: refund.id,
        status,
        failureReason: refund.failure_reason ?? null,
        updatedAt: at,
      })
      .where(and(eq(refunds.id, row.id), ne(refunds.status, "rejected")));
    if (status !== row.status && row.status !== "processing") {
      await audit(tx, syncActor(change.event), {
        action: `refund.${status}`,
        target: `refund:${row.id}`,
        before: { status: row.status },
        after: { status, failureReason: refund.failure_reason ?? null },
        at,
      });
    }
  },
};
