import { stripeCustomers, stripeInvoices, stripeSubscriptions, type Db } from "@folio/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Clock } from "../clock.ts";
import { stripeCustomerIdFor } from "../records/customer-link.ts";
import { callStripe } from "../stripe-errors.ts";
import { listCustomerSubscriptions, type CustomerSubscription } from "./subscriptions.ts";
import { pendingPlanChange, type PendingPlanChange } from "./plan-change/schedule.ts";

/** Statuses whose last payment failed: the overview shows the recovery banner. */
export const RECOVERY_STATUSES = ["past_due", "unpaid", "incomplete"];

interface ReadDeps {
  db: Db;
  clock: Clock;
}
interface LiveDeps extends ReadDeps {
  stripe: Stripe;
}

/** The caller's subscription the overview is about: the newest one that has not ended. */
export interface CurrentSubscription extends CustomerSubscription {
  customerId: string;
  /** Stripe's subscription schedule id, when a change (e.g. a downgrade) is scheduled. */
  scheduleId: string | null;
  cancellationFeedback: string | null;
  cancellationComment: string | null;
  defaultPaymentMethodId: string | null;
}

export interface OpenInvoice {
  id: string;
  number: string | null;
  amountRemaining: number;
  currency: string;
  hostedInvoiceUrl: string | null;
  attemptCount: number;
}

export interface BillingOverview {
  subscription: CurrentSubscription | null;
  /** The most recent ended subscription, shown when nothing is live any more. */
  lastEnded: CustomerSubscription | null;
  /** Stripe's customer balance: negative is credit the next invoices use first. */
  balance: { amount: number; currency: string | null } | null;
  /** The open invoice of a subscription whose payment failed. */
  openInvoice: OpenInvoice | null;
}

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const refId = (v: unknown): string | null =>
  text(v) ?? (v && typeof v === "object" ? text((v as { id?: unknown }).id) : null);

/** The caller's current subscription from the mirror, or null (no customer, nothing live). */
export async function currentSubscription(
  deps: ReadDeps,
  userId: string,
): Promise<CurrentSubscription | null> {
  const customerId = await stripeCustomerIdFor(deps.db, userId);
  if (!customerId) return null;
  const live = (await listCustomerSubscriptions(deps, userId)).find((s) => !s.ended);
  if (!live) return null;
  const row = await deps.db
    .select({
      raw: stripeSubscriptions.raw,
      feedback: stripeSubscriptions.cancellationFeedback,
      comment: stripeSubscriptions.cancellationComment,
      defaultPaymentMethodId: stripeSubscriptions.defaultPaymentMethodId,
    })
    .from(stripeSubscriptions)
    .where(eq(stripeSubscriptions.id, live.id))
    .get();
  return {
    ...live,
    customerId,
    scheduleId: refId(row?.raw.schedule),
    cancellationFeedback: row?.feedback ?? null,
    cancellationComment: row?.comment ?? null,
    defaultPaymentMethodId: row?.defaultPaymentMethodId ?? null,
  };
}

/** The newest open invoice of a subscription (what a failed payment left owing). */
export async function openInvoiceOf(db: Db, subscriptionId: string): Promise<OpenInvoice | null> {
  const row = await db
    .select({
      id: stripeInvoices.id,
      number: stripeInvoices.number,
      amountRemaining: stripeInvoices.amountRemaining,
      currency: stripeInvoices.currency,
      hostedInvoiceUrl: stripeInvoices.hostedInvoiceUrl,
      attemptCount: stripeInvoices.attemptCount,
    })
    .from(stripeInvoices)
    .where(
      and(
        eq(stripeInvoices.subscriptionId, subscriptionId),
        eq(stripeInvoices.status, "open"),
        isNull(stripeInvoices.deletedAt),
      ),
    )
    .orderBy(desc(stripeInvoices.stripeCreated), desc(stripeInvoices.id))
    .limit(1)
    .get();
  return row ?? null;
}

/** Everything the overview shows from the store (fast; the live parts are separate calls). */
export async function billingOverview(deps: ReadDeps, userId: string): Promise<BillingOverview> {
  const customerId = await stripeCustomerIdFor(deps.db, userId);
  if (!customerId) return { subscription: null, lastEnded: null, balance: null, openInvoice: null };
  const subscription = await currentSubscription(deps, userId);
  const lastEnded = subscription
    ? null
    : ((await listCustomerSubscriptions(deps, userId)).find((s) => s.ended) ?? null);
  const customer = await deps.db
    .select({ balance: stripeCustomers.balance, currency: stripeCustomers.currency })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.id, customerId))
    .get();
  const openInvoice =
    subscription && RECOVERY_STATUSES.includes(subscription.status)
      ? await openInvoiceOf(deps.db, subscription.id)
      : null;
  return {
    subscription,
    lastEnded,
    balance: customer ? { amount: customer.balance, currency: customer.currency } : null,
    openInvoice,
  };
}

export interface NextCharge {
  /** What Stripe will collect (after credit balance), minor units. */
  amountDue: number;
  total: number;
  currency: string;
  /** When the invoice is created and charged: the end of the current period (or trial). */
  date: Date;
}

/**
 * The next charge of the caller's subscription, from Stripe's upcoming invoice preview (read
 * live: proration, discounts and credit are Stripe's to compute). Null when nothing will be
 * charged: no live subscription, or it is set to end.
 */
export async function nextCharge(deps: LiveDeps, userId: string): Promise<NextCharge | null> {
  const sub = await currentSubscription(deps, userId);
  if (!sub || sub.cancelAtPeriodEnd || sub.cancelAt) return null;
  const preview = await callStripe("load your next charge", () =>
    deps.stripe.invoices.createPreview({ customer: sub.customerId, subscription: sub.id }),
  );
  return {
    amountDue: preview.amount_due,
    total: preview.total,
    currency: preview.currency,
    date: new Date(preview.period_end * 1000),
  };
}

/**
 * The change the caller's subscription schedule will make next (e.g. a downgrade at the end of
 * the period), read live from Stripe; the plan-change page shows and cancels the same one.
 */
export async function pendingChange(
  deps: LiveDeps,
  userId: string,
): Promise<PendingPlanChange | null> {
  const sub = await currentSubscription(deps, userId);
  return sub?.scheduleId ? pendingPlanChange(deps, sub.scheduleId) : null;
}

export interface CardSummary {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/**
 * The card the next charge uses: the subscription's own default, else the customer's invoice
 * default (Stripe's order). Read live: Folio does not mirror payment methods.
 */
export async function defaultCard(deps: LiveDeps, userId: string): Promise<CardSummary | null> {
  const customerId = await stripeCustomerIdFor(deps.db, userId);
  if (!customerId) return null;
  const sub = await currentSubscription(deps, userId);
  let pmId = sub?.defaultPaymentMethodId ?? null;
  if (!pmId) {
    const customer = await deps.db
      .select({ raw: stripeCustomers.raw })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.id, customerId))
      .get();
    const settings = customer?.raw.invoice_settings as { default_payment_method?: unknown } | null;
    pmId = refId(settings?.default_payment_method);
  }
  if (!pmId) return null;
  const id = pmId;
  const pm = await callStripe("load your card", () => deps.stripe.paymentMethods.retrieve(id));
  if (!pm.card) return null;
  return {
    brand: pm.card.brand,
    last4: pm.card.last4,
    expMonth: pm.card.exp_month,
    expYear: pm.card.exp_year,
  };
}
