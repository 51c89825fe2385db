import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { getInvoice, type InvoicePrivate } from "../billing/invoices/state.ts";
import { markPaid } from "../billing/invoices/transitions.ts";
import { createSubscription } from "../billing/subscriptions/create.ts";
import type { AppliedDiscount } from "../checkout/amounts.ts";
import type { SessionPrivate } from "../checkout/session.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";

/**
 * How a subscription-mode checkout starts its subscription through the billing engine:
 * the customer is present, so the first invoice is charged on-session and a card that
 * needs 3-D Secure leaves the invoice waiting for the challenge page.
 */
export interface SubscriptionStart {
  status: "succeeded" | "failed" | "requires_action";
  subscription: string;
  invoice: string | null;
  /** Payment intent waiting for 3-D Secure (status `requires_action`). */
  intent: string | null;
  /** What the first invoice collected (0 during a trial). */
  amountPaid: number;
  message: string;
}

export const subscriptionCheckout = {
  start(
    ctx: Ctx,
    input: {
      session: Stripe.Checkout.Session;
      priv: SessionPrivate;
      customer: string;
      paymentMethod: string;
      discount: AppliedDiscount | null;
    },
  ): SubscriptionStart {
    const { priv, discount } = input;
    const { subscription, invoice } = createSubscription(ctx, {
      customer: input.customer,
      items: priv.lineItems
        .filter((li) => li.price?.type === "recurring")
        .map((li) => ({
          price: li.price?.id ?? "",
          quantity: li.quantity ?? 1,
          metadata: li.metadata,
        })),
      // One-time prices are billed once, on the first invoice.
      addInvoiceItems: priv.lineItems
        .filter((li) => li.price?.type !== "recurring")
        .map((li) => ({
          price: li.price?.id ?? "",
          quantity: li.quantity ?? 1,
          metadata: li.metadata ?? {},
        })),
      defaultPaymentMethod: input.paymentMethod,
      ...(priv.trialPeriodDays !== null ? { trialPeriodDays: priv.trialPeriodDays } : {}),
      ...(priv.trialEnd !== null ? { trialEnd: priv.trialEnd } : {}),
      metadata: priv.subscriptionMetadata,
      description: priv.subscriptionDescription,
      ...(discount?.promotionCode
        ? { promotionCode: discount.promotionCode.id }
        : discount
          ? { coupon: discount.coupon.id }
          : {}),
      automaticTax: input.session.automatic_tax.enabled,
      paymentBehavior: "allow_incomplete",
      offSession: false,
      paramPrefix: "subscription_data",
    });
    const base = {
      subscription: subscription.id,
      invoice: invoice?.id ?? null,
      amountPaid: invoice?.amount_paid ?? 0,
    };
    if (!invoice || invoice.status === "paid") {
      return { ...base, status: "succeeded", intent: null, message: "" };
    }
    const intent = ctx.store.getPrivate<InvoicePrivate>(invoice.id)?.paymentIntent ?? null;
    const pi = intent ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", intent) : null;
    if (pi?.status === "requires_action") {
      return { ...base, status: "requires_action", intent: pi.id, message: "" };
    }
    return {
      ...base,
      status: "failed",
      intent: null,
      message: pi?.last_payment_error?.message ?? "Your card was declined.",
    };
  },

  /**
   * After the customer approved the challenge: the intent is charged and the first invoice
   * paid, which activates the subscription. Returns the amount collected.
   */
  afterAuthentication(ctx: Ctx, input: { invoice: string; intent: string }): number {
    const before = getInvoice(ctx, input.invoice);
    if (before.status !== "open") return before.amount_paid;
    const result = completeAuthentication(ctx, input.intent, true);
    if (result.kind !== "payment_intent" || result.outcome.status !== "succeeded") {
      throw new Error(`authentication of ${input.intent} did not collect the payment`);
    }
    // The billing engine pays the invoice when the intent succeeds; older engines did not.
    const invoice = getInvoice(ctx, input.invoice);
    if (invoice.status !== "open") return invoice.amount_paid;
    return markPaid(
      ctx,
      invoice,
      {
        status: "succeeded",
        paymentIntent: result.outcome.paymentIntent.id,
        charge: result.outcome.charge.id,
      },
      { outOfBand: false },
    ).amount_paid;
  },
};
