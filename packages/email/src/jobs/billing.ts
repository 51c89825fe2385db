import {
  stripeInvoices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
  type Db,
} from "@folio/db";
import { eq } from "drizzle-orm";
import { emailJob, link, recipientForCustomer, sendTemplate } from "./context.ts";

async function planNameOf(db: Db, productId: string | null): Promise<string> {
  const product = productId
    ? await db
        .select({ name: stripeProducts.name })
        .from(stripeProducts)
        .where(eq(stripeProducts.id, productId))
        .get()
    : undefined;
  return product?.name ?? "your plan";
}

export const paymentFailedJob = emailJob("payment_failed", async (ctx, p, job) => {
  // Paid (or voided) since: the reminder would only confuse.
  const invoice = await ctx.db
    .select({ status: stripeInvoices.status })
    .from(stripeInvoices)
    .where(eq(stripeInvoices.id, p.invoiceId))
    .get();
  if (invoice && invoice.status !== "open") return;
  const to = await recipientForCustomer(ctx.db, p.customerId);
  if (!to) return;
  await sendTemplate(ctx, job, to.email, "payment_failed", {
    customerName: to.name,
    amount: p.amount,
    currency: p.currency,
    nextAttemptAt: p.nextAttemptAt ? new Date(p.nextAttemptAt) : null,
    // The portal's overview shows the recovery banner with "update card and pay".
    fixUrl: link(ctx, "/billing"),
  });
});

export const trialEndingJob = emailJob("trial_ending", async (ctx, p, job) => {
  const sub = await ctx.db
    .select({ status: stripeSubscriptions.status, trialEnd: stripeSubscriptions.trialEnd })
    .from(stripeSubscriptions)
    .where(eq(stripeSubscriptions.id, p.subscriptionId))
    .get();
  // Converted, cancelled or given a different end since it was scheduled.
  if (!sub || sub.status !== "trialing" || sub.trialEnd?.getTime() !== p.trialEnd) return;
  const items = await ctx.db
    .select({
      productId: stripeSubscriptionItems.productId,
      unitAmount: stripeSubscriptionItems.unitAmount,
      quantity: stripeSubscriptionItems.quantity,
      currency: stripeSubscriptionItems.currency,
    })
    .from(stripeSubscriptionItems)
    .where(eq(stripeSubscriptionItems.subscriptionId, p.subscriptionId));
  const to = await recipientForCustomer(ctx.db, p.customerId);
  if (!to) return;
  const amount = items.every((i) => i.unitAmount !== null)
    ? items.reduce((sum, i) => sum + (i.unitAmount ?? 0) * (i.quantity ?? 1), 0)
    : null;
  await sendTemplate(ctx, job, to.email, "trial_ending", {
    customerName: to.name,
    planName: await planNameOf(ctx.db, items[0]?.productId ?? null),
    trialEndsAt: new Date(p.trialEnd),
    amount,
    currency: items[0]?.currency ?? "usd",
    billingUrl: link(ctx, "/billing"),
  });
});

export const subscriptionChangedJob = emailJob("subscription_changed", async (ctx, p, job) => {
  const to = await recipientForCustomer(ctx.db, p.customerId);
  if (!to) return;
  await sendTemplate(ctx, job, to.email, "subscription_changed", {
    customerName: to.name,
    change: p.change,
    planName: p.planName,
    effectiveAt: new Date(p.effectiveAt),
    billingUrl: link(ctx, p.change === "canceled" ? "/pricing" : "/billing"),
  });
});

export const creditGrantedJob = emailJob("credit_granted", async (ctx, p, job) => {
  const to = await recipientForCustomer(ctx.db, p.customerId);
  if (!to) return;
  await sendTemplate(ctx, job, to.email, "credit_granted", {
    customerName: to.name,
    amount: p.amount,
    currency: p.currency,
    balance: p.balance,
    reason: p.reason,
    billingUrl: link(ctx, "/billing/credit"),
  });
});
