import { payCheckoutPage } from "@folio/stripe-emulator";
import type { Step } from "../cast.ts";
import { DEMO_METADATA, priceId, userMetadata, type Story } from "./context.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

const PHYSICAL = new Set(["notebook_a5_dot", "journal_hardcover_2027", "fineliner_set"]);

/**
 * A shop order: a Checkout session in payment mode, paid on the hosted page as the customer's
 * browser would (shipping address for physical goods). Credit packs and the template pack are
 * orders too; Folio grants and delivers them from the order's items.
 */
export const order: Story<Of<"order">> = async (ctx, customer, step) => {
  const ships = step.items.some(([key]) => PHYSICAL.has(key));
  const session = await ctx.stripe.checkout.sessions.create({
    mode: "payment",
    customer: customer.customerId,
    client_reference_id: customer.userId,
    line_items: step.items.map(([key, quantity]) => ({ price: priceId(ctx, key), quantity })),
    ...(ships && { shipping_address_collection: { allowed_countries: ["US"] } }),
    success_url: "http://localhost/billing/orders",
    metadata: userMetadata(customer),
    payment_intent_data: { metadata: userMetadata(customer) },
  });
  if (!session.url) throw new Error(`Checkout session ${session.id} has no hosted page.`);
  const res = await payCheckoutPage(session.url, { name: customer.member.name, shipping: ships });
  if (res.status !== 303) throw new Error(`Paying checkout ${session.id} answered ${res.status}.`);
  customer.orders.push(session.id);
};

/** The latest order refunded, in full or half of it. */
export const refund: Story<Of<"refund">> = async (ctx, customer, step) => {
  const sessionId = customer.orders[customer.orders.length - 1];
  if (!sessionId) return;
  const session = await ctx.stripe.checkout.sessions.retrieve(sessionId);
  const intent =
    typeof session.payment_intent === "string"
      ? session.payment_intent
      : session.payment_intent?.id;
  if (!intent || !session.amount_total) return;
  await ctx.stripe.refunds.create({
    payment_intent: intent,
    ...(step.partial && { amount: Math.floor(session.amount_total / 2) }),
    reason: "requested_by_customer",
    metadata: DEMO_METADATA,
  });
};
