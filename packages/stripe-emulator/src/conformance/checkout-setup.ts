import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";

/** The checkout conformance files' shared emulator and helpers. */

export let emu: EmulatorHandle;
export let stripe: Stripe;
export let receiver: WebhookReceiver;
export const SECRET = "whsec_test_checkout";

/** One emulator per test file, reset before each test; the bindings above follow it. */
export function useCheckoutEmulator(): void {
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emu = await startEmulator({
      deterministic: { seed: "checkout" },
      webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
      webhookRetrySchedule: [20, 40],
    });
    stripe = emu.stripe("sk_test_checkout", { maxNetworkRetries: 0 });
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

export async function oneTimePrice(amount = 2000, name = "T-shirt"): Promise<Stripe.Price> {
  return stripe.prices.create({ currency: "usd", unit_amount: amount, product_data: { name } });
}

export async function monthlyPrice(amount = 1500, name = "Pro plan"): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: "usd",
    unit_amount: amount,
    recurring: { interval: "month" },
    product_data: { name },
  });
}

/** Event types in the order they were created (the API lists newest first). */
export async function eventTypes(): Promise<string[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all.reverse().map((e) => e.type);
}

/** Checks `expected` appear in this relative order within `actual`. */
export function expectOrder(actual: string[], expected: string[]): void {
  let at = -1;
  for (const type of expected) {
    const next = actual.indexOf(type, at + 1);
    expect(next, `${type} after index ${at} in ${actual.join(", ")}`).toBeGreaterThan(at);
    at = next;
  }
}
