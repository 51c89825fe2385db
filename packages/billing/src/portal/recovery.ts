import type Stripe from "stripe";
import { z } from "zod";
import { DomainError } from "../errors.ts";
import { stripeCustomerIdFor } from "../records/customer-link.ts";
import { callStripe, isStripeError, stripeFailure } from "../stripe-errors.ts";
import {
  attemptIdSchema,
  customersCheckoutSession,
  storeForCustomer,
  type CustomerCommandDeps,
} from "./command.ts";
import { currentSubscription, openInvoiceOf, type CardSummary } from "./overview.ts";

export const startCardUpdateInput = z.object({ attemptId: attemptIdSchema });
export const completeCardUpdateInput = z.object({
  sessionId: z
    .string()
    .regex(/^cs_\w+$/, { message: "This link is not a card update; start again from Billing." }),
});
export const payOpenInvoiceInput = z.object({ attemptId: attemptIdSchema });

async function customerIdOf(deps: CustomerCommandDeps): Promise<string> {
  const id = await stripeCustomerIdFor(deps.db, deps.actor.userId);
  if (!id) throw new DomainError("NOT_FOUND", "You have no billing account yet.");
  return id;
}

/**
 * Starts Stripe Checkout in setup mode so the caller can enter a new card; Stripe sends them back
 * to `/billing/payment-method/return?session_id=…`, where `completeCardUpdate` makes it the
 * default. One session per attempt id.
 */
export async function startCardUpdate(
  deps: CustomerCommandDeps,
  input: z.input<typeof startCardUpdateInput> & { appUrl: string },
): Promise<{ url: string }> {
  const { attemptId } = startCardUpdateInput.parse(input);
  const customer = await customerIdOf(deps);
  const sub = await currentSubscription(deps, deps.actor.userId);
  const session = await callStripe("start updating your card", () =>
    deps.stripe.checkout.sessions.create(
      {
        mode: "setup",
        customer,
        // Setup mode needs a currency to offer payment methods; the plan's is the one charged.
        ...(sub && { currency: sub.currency }),
        setup_intent_data: { metadata: { folio_user_id: deps.actor.userId } },
        success_url: `${input.appUrl}/billing/payment-method/return?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${input.appUrl}/billing`,
      },
      { idempotencyKey: `folio-card-update-${deps.actor.userId}-${attemptId}` },
    ),
  );
  if (!session.url) throw new DomainError("UPSTREAM", "Stripe did not return a checkout page.");
  await storeForCustomer(deps, session);
  return { url: session.url };
}

/**
 * Finishes a card update: checks the Checkout session is the caller's and complete, then makes
 * its card the default for the customer (future invoices) and for the current subscription
 * (which would otherwise keep charging its own default). Safe to call again for the same session.
 */
export async function completeCardUpdate(
  deps: CustomerCommandDeps,
  input: z.input<typeof completeCardUpdateInput>,
): Promise<{ card: CardSummary | null; amountOwed: number; currency: string | null }> {
  const { sessionId } = completeCardUpdateInput.parse(input);
  const customerId = await customerIdOf(deps);
  const notYours = new DomainError(
    "NOT_FOUND",
    "We could not find this card update. Start again from Billing.",
  );
  const session = await customersCheckoutSession(deps.stripe, customerId, sessionId, {
    modes: ["setup"],
    expand: ["setup_intent.payment_method"],
    doing: "check your new card",
    notFound: notYours,
  });
  if (session.status !== "complete") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "The new card was not saved: the card form was not completed. Start again from Billing.",
    );
  }
  const si = session.setup_intent as Stripe.SetupIntent | null;
  const pm = si?.payment_method as Stripe.PaymentMethod | null | undefined;
  if (!si || si.status !== "succeeded" || !pm) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "Your bank did not confirm the new card. Start again from Billing and complete the verification.",
    );
  }

  const customer = await callStripe("make the new card your default", () =>
    deps.stripe.customers.update(
      customerId,
      { invoice_settings: { default_payment_method: pm.id } },
      { idempotencyKey: `folio-default-card-${session.id}` },
    ),
  );
  const sub = await currentSubscription(deps, deps.actor.userId);
  await storeForCustomer(deps, customer, {
    audit: {
      action: "payment_method.default_changed",
      target: `customer:${customerId}`,
      after: {
        paymentMethod: pm.id,
        brand: pm.card?.brand ?? null,
        last4: pm.card?.last4 ?? null,
      },
    },
  });
  if (sub) {
    const updated = await callStripe("make the new card your subscription's default", () =>
      deps.stripe.subscriptions.update(
        sub.id,
        { default_payment_method: pm.id },
        { idempotencyKey: `folio-subscription-card-${session.id}` },
      ),
    );
    await storeForCustomer(deps, updated);
  }
  await storeForCustomer(deps, session);
  const open = sub ? await openInvoiceOf(deps.db, sub.id) : null;
  return {
    card: pm.card
      ? {
          brand: pm.card.brand,
          last4: pm.card.last4,
          expMonth: pm.card.exp_month,
          expYear: pm.card.exp_year,
        }
      : null,
    amountOwed: open?.amountRemaining ?? 0,
    currency: open?.currency ?? null,
  };
}

export type PayOutcome =
  | { outcome: "paid"; amountPaid: number; currency: string }
  /** The bank wants the customer to confirm (3-D Secure): finish on Stripe's invoice page. */
  | { outcome: "requires_action"; hostedInvoiceUrl: string | null }
  | { outcome: "already_paid" }
  | { outcome: "nothing_due" };

const AUTH_CODES = ["invoice_payment_intent_requires_action", "authentication_required"];

/**
 * After an attempt Stripe refused: re-reads the invoice and its subscription (attempt count,
 * status) and stores them, with an audit row saying what was tried and why it did not go through.
 */
async function recordRefusal(
  deps: CustomerCommandDeps,
  ids: { invoice: string; subscription: string },
  why: { code: string | null; declineCode: string | null },
) {
  const [invoice, sub] = await Promise.all([
    deps.stripe.invoices.retrieve(ids.invoice),
    deps.stripe.subscriptions.retrieve(ids.subscription),
  ]);
  await storeForCustomer(deps, invoice, {
    audit: {
      action: "invoice.payment_refused",
      target: `invoice:${invoice.id}`,
      after: { status: invoice.status, amountRemaining: invoice.amount_remaining, ...why },
    },
  });
  await storeForCustomer(deps, sub);
  return invoice;
}

/**
 * Pays the open invoice of the caller's subscription now, with the default card. One charge per
 * attempt id (a double click replays Stripe's first answer). A declined card throws a message
 * saying what to do; a bank asking for verification and an invoice paid meanwhile are outcomes.
 */
export async function payOpenInvoice(
  deps: CustomerCommandDeps,
  input: z.input<typeof payOpenInvoiceInput>,
): Promise<PayOutcome> {
  const { attemptId } = payOpenInvoiceInput.parse(input);
  const sub = await currentSubscription(deps, deps.actor.userId);
  if (!sub) throw new DomainError("NOT_FOUND", "You have no subscription with an invoice to pay.");
  const open = await openInvoiceOf(deps.db, sub.id);
  if (!open) return { outcome: "nothing_due" };

  let paid: Stripe.Invoice;
  try {
    paid = await deps.stripe.invoices.pay(
      open.id,
      {},
      { idempotencyKey: `folio-pay-${deps.actor.userId}-${attemptId}` },
    );
  } catch (e) {
    if (!isStripeError(e)) throw e;
    // Best effort: the refusal is what the customer needs to hear; the webhooks converge.
    const invoice = await recordRefusal(
      deps,
      { invoice: open.id, subscription: sub.id },
      { code: e.code ?? null, declineCode: e.decline_code ?? null },
    ).catch(() => null);
    // Stripe answers a plain 400 "Invoice is already paid." (no error code): the re-read says so.
    if (invoice?.status === "paid") return { outcome: "already_paid" };
    if (AUTH_CODES.includes(e.code ?? "") || AUTH_CODES.includes(e.decline_code ?? "")) {
      return {
        outcome: "requires_action",
        hostedInvoiceUrl: invoice?.hosted_invoice_url ?? open.hostedInvoiceUrl,
      };
    }
    throw stripeFailure(e, "pay your invoice");
  }
  await storeForCustomer(deps, paid, {
    audit: {
      action: "invoice.paid_by_customer",
      target: `invoice:${paid.id}`,
      before: { status: "open", amountRemaining: open.amountRemaining },
      after: { status: paid.status, amountPaid: paid.amount_paid },
    },
  });
  // The money moved: a failed re-read must not turn that into an error (the webhook converges).
  await deps.stripe.subscriptions
    .retrieve(sub.id)
    .then((s) => storeForCustomer(deps, s))
    .catch(() => undefined);
  return { outcome: "paid", amountPaid: paid.amount_paid, currency: paid.currency };
}
