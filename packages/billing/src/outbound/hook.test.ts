import { webhookDeliveries } from "@folio/db";
import { describe, expect, it } from "vitest";
import { recordHooks } from "../records/index.ts";
import {
  apply,
  clock,
  customerWithPaidCheckout,
  db,
  delivered,
  priceId,
  stripe,
  syncNewEvents,
  useRecordHooksEmulator,
} from "../records/emulator-setup.ts";
import { syncAll } from "../sync/backfill.ts";
import { createEndpoint } from "./endpoints.ts";

// Each outbound event a Stripe change causes reaches each subscribed endpoint once, however often
// and in whatever order its webhooks arrive: every event is delivered one to three times,
// shuffled, and at the end the whole history again, then a backfill.

useRecordHooksEmulator("outbound");
const staff = { type: "staff", userId: "usr_admin", role: "admin" } as const;

const deliveries = async () =>
  (await db.select().from(webhookDeliveries)).map((d) => `${d.eventType}@${d.endpointId}`).sort();

describe("outbound events from Stripe changes", () => {
  it("a paid checkout, refunds, a subscription's life and credit each reach each subscribed endpoint once", async () => {
    const urls = { allowPrivate: true };
    const make = await createEndpoint(
      { db, clock, actor: staff, urls },
      { url: "http://127.0.0.1:7101/make", eventTypes: ["order.paid", "refund.succeeded"] },
    );
    const crm = await createEndpoint(
      { db, clock, actor: staff, urls },
      {
        url: "http://127.0.0.1:7102/crm",
        eventTypes: [
          "order.paid",
          "subscription.created",
          "subscription.updated",
          "subscription.canceled",
          "credit.granted",
        ],
      },
    );
    const { customer, session } = await customerWithPaidCheckout("casey@example.test");
    await syncNewEvents(1);
    expect(await deliveries()).toEqual([`order.paid@${crm.id}`, `order.paid@${make.id}`].sort());
    const [paid] = await db.select().from(webhookDeliveries);
    expect(paid!.payload).toMatchObject({
      type: "order.paid",
      data: { object: { object: "order", email: "casey@example.test", items: [{ quantity: 2 }] } },
    });

    const { payment_intent } = await stripe.checkout.sessions.retrieve(session.id);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 1000 });
    await syncNewEvents(2);
    const sub = await stripe.subscriptions.create({
      customer,
      items: [{ price: await priceId("quire_pro_monthly") }],
      trial_period_days: 14,
    });
    await syncNewEvents(3);
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    await syncNewEvents(4);
    await stripe.customers.createBalanceTransaction(customer, {
      amount: -1500,
      currency: "usd",
      description: "Sorry for the outage",
    });
    await syncNewEvents(5);
    await stripe.subscriptions.cancel(sub.id);
    await syncNewEvents(6);

    const before = await deliveries();
    expect(before.filter((d) => d.endsWith(make.id))).toEqual(
      [`order.paid@${make.id}`, `refund.succeeded@${make.id}`].sort(),
    );
    const toCrm = before.filter((d) => d.endsWith(crm.id)).map((d) => d.split("@")[0]);
    expect(new Set(toCrm)).toEqual(
      new Set([
        "order.paid",
        "subscription.created",
        "subscription.updated",
        "subscription.canceled",
        "credit.granted",
      ]),
    );
    // The whole history again, shuffled and duplicated, then a backfill: nothing new is sent.
    await apply(delivered, 99);
    await syncAll({ db, stripe, clock, hooks: recordHooks });
    expect(await deliveries()).toEqual(before);
  }, 60_000);
});
