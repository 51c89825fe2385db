import type { Step } from "../cast.ts";
import { DAY } from "../cast.ts";
import { attachCard, liveSubscription, type Story } from "./context.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/**
 * The customer's card starts failing (a card that attaches but declines every charge): the
 * next renewal fails and dunning retries it. If they recover, they put in a working card a few
 * days after that renewal; if not, the last retry cancels the subscription (the emulator's
 * dunning, like Stripe's default "cancel the subscription" setting).
 */
export const cardFails: Story<Of<"card_fails">> = async (ctx, customer, step) => {
  const sub = await liveSubscription(ctx, customer);
  if (!sub || sub.status !== "active") return;
  const failing = await attachCard(ctx, customer.customerId, "pm_card_chargeCustomerFail");
  await ctx.stripe.subscriptions.update(sub.id, { default_payment_method: failing });
  const renewal = sub.items.data[0]?.current_period_end;
  if (step.recovers && renewal) return [{ kind: "card_fixed", at: renewal + 4 * DAY }];
};

/** A working card, then the open invoice paid with it (what updating the card in the portal does). */
export const cardFixed: Story<Of<"card_fixed">> = async (ctx, customer) => {
  const sub = await liveSubscription(ctx, customer);
  if (!sub) return;
  const card = await attachCard(ctx, customer.customerId);
  await ctx.stripe.subscriptions.update(sub.id, { default_payment_method: card });
  const invoiceId =
    typeof sub.latest_invoice === "string" ? sub.latest_invoice : sub.latest_invoice?.id;
  if (!invoiceId) return;
  const invoice = await ctx.stripe.invoices.retrieve(invoiceId);
  if (invoice.status === "open")
    await ctx.stripe.invoices.pay(invoice.id, { payment_method: card });
};
