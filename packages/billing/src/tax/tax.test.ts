import { closeDb, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { explainMrr } from "../metrics/explain.ts";
import { listSellableCatalog } from "../portal/catalog.ts";
import { confirmCheckout, startSubscriptionCheckout } from "../portal/checkout.ts";
import type { CustomerCommandDeps } from "../portal/command.ts";
import { listCustomerInvoices } from "../portal/invoices.ts";
import { insertCustomerUser } from "../portal/testing.ts";
import { recordHooks } from "../records/index.ts";
import { syncAll } from "../sync/backfill.ts";
import { recordEvents } from "../sync/testing.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";

// Tax end to end: the demo catalog's EUR plans carry a tax behaviour, so Folio's checkout turns
// on Stripe Tax and VAT number collection; the emulator taxes a German consumer at 19 % and
// reverse charges a German business with a valid VAT number. Folio shows both invoices'
// tax from the webhooks it receives, and MRR counts neither tax.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
const BERLIN = { line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" };

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "folio-tax" } });
  stripe = emulator.stripe();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  await pushCatalog({ stripe }, demoCatalog());
  await syncAll({ db, stripe, clock });
});
afterAll(async () => {
  await emulator.stop();
  await closeDb(db);
});

async function subscribe(
  userId: string,
  business?: { name: string; vatNumber: string },
): Promise<CustomerCommandDeps> {
  const user = await insertCustomerUser(db, clock, userId);
  const deps: CustomerCommandDeps = {
    db,
    stripe,
    clock,
    actor: { type: "customer", userId: user.id },
  };
  const catalog = await listSellableCatalog({ db });
  const price = catalog.plans
    .flatMap((p) => p.prices)
    .find((p) => p.lookupKey === "quire_basic_monthly_eur");
  expect(price).toMatchObject({ unitAmount: 300, taxBehavior: "exclusive" });
  const start = await startSubscriptionCheckout(deps, {
    priceId: price!.id,
    seats: 0,
    attemptId: crypto.randomUUID(),
    appUrl: "http://folio.test",
  });
  const session = await stripe.checkout.sessions.retrieve(start.sessionId);
  expect(session).toMatchObject({
    automatic_tax: { enabled: true },
    tax_id_collection: { enabled: true },
  });
  const paid = await payCheckoutPage(start.url, { billing: BERLIN, ...(business && { business }) });
  expect(paid.status).toBe(303);
  expect((await confirmCheckout(deps, { sessionId: start.sessionId })).state).toBe("subscribed");
  return deps;
}

describe("tax end to end", () => {
  it("shows 19 % VAT to a German consumer, a reverse charge to a German business, and keeps tax out of MRR", async () => {
    await subscribe("usr_tax_consumer");
    await subscribe("usr_tax_business", { name: "Muster GmbH", vatNumber: "DE123456789" });
    const worker = startWebhookWorker(
      { db, stripe, clock, hooks: recordHooks },
      { autoStart: false },
    );
    await deliver({ db, clock }, await recordEvents(stripe));
    expect(await worker.drain()).toMatchObject({ failed: 0, dead: 0 });

    const consumer = await listCustomerInvoices({ db, clock }, "usr_tax_consumer", { limit: 10 });
    expect(consumer.items).toHaveLength(1);
    // €3.00 + 19 % = €3.57.
    expect(consumer.items[0]).toMatchObject({
      state: "paid",
      total: 357,
      amountPaid: 357,
      tax: { amount: 57, totalExcludingTax: 300, reverseCharge: false, rates: [19], added: true },
    });
    const business = await listCustomerInvoices({ db, clock }, "usr_tax_business", { limit: 10 });
    expect(business.items[0]).toMatchObject({
      state: "paid",
      total: 300,
      tax: { amount: 0, totalExcludingTax: 300, reverseCharge: true, rates: [] },
    });

    const tomorrow = new Date(clock.now().getTime() + 86_400_000);
    const mrr = await explainMrr({ db, clock }, { currency: "eur", at: tomorrow });
    expect(mrr.rows.map((r) => r.amount)).toEqual([300, 300]);
    expect(mrr.total).toBe(600);
  }, 30_000);
});
