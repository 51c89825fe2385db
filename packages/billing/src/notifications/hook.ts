import { orders, stripeCharges, stripeProducts, type Tx } from "@folio/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { isPaidPaymentSession, orderIdFor } from "../records/orders.ts";
import type { SyncChange, SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import { enqueueEmail } from "./emails.ts";

/** A change older than this is history (a replay, the demo's past months): nobody is e-mailed. */
const STALE_AFTER_MS = 48 * 3600_000;
const DAY_MS = 24 * 3600_000;
/** Trial reminders go out this long before the trial ends (Stripe's trial_will_end does too). */
export const TRIAL_REMINDER_MS = 3 * DAY_MS;

const ms = (seconds: number) => seconds * 1000;

/** Backfills re-read what happened long ago; only live changes (webhooks, Folio's own calls) mail. */
function isLive(change: SyncChange): boolean {
  if (change.event.type === "sync") return false;
  return change.clock.now().getTime() - change.event.created.getTime() <= STALE_AFTER_MS;
}

async function planName(tx: Tx, sub: Stripe.Subscription): Promise<string> {
  const price = sub.items.data[0]?.price;
  if (!price) return "your plan";
  if (typeof price.product !== "string" && !price.product.deleted) return price.product.name;
  const product = await tx
    .select({ name: stripeProducts.name })
    .from(stripeProducts)
    .where(eq(stripeProducts.id, idOf(price.product)!))
    .get();
  return product?.name ?? price.nickname ?? "your plan";
}

const itemsSignature = (sub: Stripe.Subscription) =>
  sub.items.data
    .map((i) => `${i.price.id}x${i.quantity ?? 1}`)
    .sort()
    .join(",");

async function subscriptionEmails(
  tx: Tx,
  change: Extract<SyncChange, { type: "subscription" }>,
): Promise<void> {
  const sub = change.object;
  const prev = change.previous;
  const customerId = idOf(sub.customer)!;
  const deps = { db: tx, clock: change.clock };
  const base = { subscriptionId: sub.id, customerId };

  if (sub.status === "trialing" && sub.trial_end) {
    const trialEnd = ms(sub.trial_end);
    // Scheduled now for 3 days before the end; the job checks the trial is still on when it runs.
    const runAt = new Date(Math.max(change.clock.now().getTime(), trialEnd - TRIAL_REMINDER_MS));
    if (trialEnd > change.clock.now().getTime()) {
      await enqueueEmail(
        deps,
        "trial_ending",
        `${sub.id}:${trialEnd}`,
        { ...base, trialEnd },
        runAt,
      );
    }
  }
  if (!prev) return;

  if (sub.status === "canceled" && prev.status !== "canceled") {
    const endedAt = ms(
      sub.ended_at ?? sub.canceled_at ?? Math.floor(change.event.created.getTime() / 1000),
    );
    await enqueueEmail(deps, "subscription_changed", `${sub.id}:canceled`, {
      ...base,
      change: "canceled",
      planName: await planName(tx, sub),
      effectiveAt: endedAt,
    });
    return;
  }
  const endsAt = sub.cancel_at ?? (sub.cancel_at_period_end ? periodEnd(sub) : null);
  const endedBefore = prev.cancel_at ?? (prev.cancel_at_period_end ? periodEnd(prev) : null);
  if (endsAt && !endedBefore) {
    await enqueueEmail(deps, "subscription_changed", `${sub.id}:cancel_scheduled:${endsAt}`, {
      ...base,
      change: "cancel_scheduled",
      planName: await planName(tx, sub),
      effectiveAt: ms(endsAt),
    });
    return;
  }
  const signature = itemsSignature(sub);
  if (signature !== itemsSignature(prev)) {
    const at = change.event.created.getTime();
    await enqueueEmail(deps, "subscription_changed", `${sub.id}:changed:${signature}:${at}`, {
      ...base,
      change: "changed",
      planName: await planName(tx, sub),
      effectiveAt: at,
    });
  }
}

function periodEnd(sub: Stripe.Subscription): number | null {
  return sub.items.data[0]?.current_period_end ?? null;
}

/**
 * E-mails caused by Stripe changes, enqueued in the same transaction as the change (after the
 * record hooks, so the order row exists). Each key names its cause: a duplicated, shuffled or
 * replayed webhook finds the key taken and enqueues nothing.
 */
export const emailHook: SyncHook = {
  types: ["checkout.session", "subscription", "invoice", "refund", "customer_balance_transaction"],
  async write(tx, change) {
    if (!isLive(change)) return;
    const deps = { db: tx, clock: change.clock };
    switch (change.type) {
      case "checkout.session": {
        if (!isPaidPaymentSession(change.object)) return;
        const orderId = orderIdFor(change.object.id);
        const order = await tx
          .select({ id: orders.id })
          .from(orders)
          .where(eq(orders.id, orderId))
          .get();
        if (order) await enqueueEmail(deps, "order_confirmation", orderId, { orderId });
        return;
      }
      case "subscription":
        return subscriptionEmails(tx, change);
      case "invoice": {
        const inv = change.object;
        const customerId = idOf(inv.customer);
        const attempts = inv.attempt_count ?? 0;
        const failedNow =
          inv.status === "open" &&
          inv.attempted &&
          attempts > (change.previous?.attempt_count ?? 0);
        if (!customerId || !inv.id || !failedNow || inv.amount_remaining <= 0) return;
        await enqueueEmail(deps, "payment_failed", `${inv.id}:${attempts}`, {
          invoiceId: inv.id,
          customerId,
          amount: inv.amount_remaining,
          currency: inv.currency,
          nextAttemptAt: inv.next_payment_attempt ? ms(inv.next_payment_attempt) : null,
        });
        return;
      }
      case "refund": {
        const refund = change.object;
        if (refund.status !== "succeeded" || change.previous?.status === "succeeded") return;
        const paymentIntent = idOf(refund.payment_intent);
        const order = paymentIntent
          ? await tx
              .select({ id: orders.id, customerId: orders.stripeCustomerId })
              .from(orders)
              .where(eq(orders.paymentIntentId, paymentIntent))
              .get()
          : undefined;
        const chargeId = idOf(refund.charge);
        const charge = chargeId
          ? await tx
              .select({ customerId: stripeCharges.customerId })
              .from(stripeCharges)
              .where(eq(stripeCharges.id, chargeId))
              .get()
          : undefined;
        const customerId = order?.customerId ?? charge?.customerId ?? null;
        if (!customerId) return;
        await enqueueEmail(deps, "refund_issued", refund.id, {
          refundId: refund.id,
          customerId,
          orderId: order?.id ?? null,
          amount: refund.amount,
          currency: refund.currency,
          refundedAt: ms(refund.created),
        });
        return;
      }
      case "customer_balance_transaction": {
        const txn = change.object;
        // A negative adjustment is credit given to the customer (staff grants, goodwill).
        if (change.previous || txn.type !== "adjustment" || txn.amount >= 0) return;
        await enqueueEmail(deps, "credit_granted", txn.id, {
          transactionId: txn.id,
          customerId: idOf(txn.customer)!,
          amount: -txn.amount,
          currency: txn.currency,
          balance: -txn.ending_balance,
          reason: txn.description ?? null,
        });
        return;
      }
      default:
        return;
    }
  },
};
