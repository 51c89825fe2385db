import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";

/**
 * The billing conformance files' shared emulator and helpers: the billing engine, driven
 * only through the official SDK (plus the control API for the clock and settings).
 */

export const SECRET = "whsec_billing_conformance";
export const DAY = 86_400;
export const START = Date.UTC(2026, 0, 1) / 1000;

export let emu: EmulatorHandle;
export let stripe: Stripe;
export let receiver: WebhookReceiver;

/** One emulator per test file, reset before each test; the bindings above follow it. */
export function useBillingEmulator(): void {
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emu = await startEmulator({
      deterministic: { seed: "billing", start: START },
      webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
      webhookRetrySchedule: [20, 40],
    });
    stripe = emu.stripe("sk_test_billing", { maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await emu.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await emu.flushWebhooks();
    await emu.reset();
    receiver.received.length = 0;
  });
}

export async function settings(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/billing/settings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

export async function catalog(
  amounts: number[] = [1000, 3000],
  interval: "month" | "year" = "month",
) {
  const product = await stripe.products.create({ name: "Pro plan" });
  const prices: Stripe.Price[] = [];
  for (const unit_amount of amounts) {
    prices.push(
      await stripe.prices.create({
        product: product.id,
        unit_amount,
        currency: "usd",
        recurring: { interval },
      }),
    );
  }
  return { product, prices };
}

/** A one-time (non-recurring) USD price on `product`. */
export function oneTimePrice(product: string, unit_amount: number): Promise<Stripe.Price> {
  return stripe.prices.create({ product, unit_amount, currency: "usd" });
}

export async function customerWith(card = "pm_card_visa", extra: Stripe.CustomerCreateParams = {}) {
  const customer = await stripe.customers.create({ email: "sub@example.com", ...extra });
  const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  return { customer, pm };
}

/** Event types since `since` (an event id or null), oldest first. */
export async function typesSince(
  since: string | null,
  filter?: (t: string) => boolean,
): Promise<string[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  const ordered = all.reverse();
  const from = since ? ordered.findIndex((e) => e.id === since) + 1 : 0;
  return ordered
    .slice(from)
    .map((e) => e.type)
    .filter((t) => (filter ? filter(t) : true));
}

export async function lastEventId(): Promise<string | null> {
  const { data } = await stripe.events.list({ limit: 1 });
  return data[0]?.id ?? null;
}

export const billingEvents = (t: string) =>
  t.startsWith("invoice") ||
  t.startsWith("customer.subscription") ||
  t.startsWith("payment_intent") ||
  t.startsWith("charge");

/** The billing events of a renewal charged automatically, in order (`billingEvents` filter). */
export const PAID_RENEWAL_EVENTS = [
  "invoice.upcoming",
  "invoice.created",
  "customer.subscription.updated",
  "invoice.finalized",
  "payment_intent.created",
  "charge.succeeded",
  "payment_intent.succeeded",
  "invoice.updated",
  "invoice_payment.paid",
  "invoice.paid",
  "invoice.payment_succeeded",
];

export async function waitReady(clockId: string): Promise<Stripe.TestHelpers.TestClock> {
  for (let i = 0; i < 500; i++) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === "ready") return clock;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("test clock never became ready");
}

export async function latestInvoice(sub: Stripe.Subscription): Promise<Stripe.Invoice> {
  return stripe.invoices.retrieve(sub.latest_invoice as string);
}
