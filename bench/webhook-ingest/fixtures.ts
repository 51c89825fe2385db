import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";
import type { BenchEvent, ObjectStore } from "./generate.ts";
import { ids, rng } from "./objects.ts";

// The fixture workload (issue 16): events built from Stripe's own sample objects
// (`stripe/openapi` fixtures3.json), full-size as Stripe sends them, instead of Folio's
// generator. Each linked set is product → price → customer → subscription → invoice → charge →
// refund with unique ids; ten event types in equal parts; `created` strictly increasing.

/** Where the repository expects it: `../shared/stripe-openapi` beside the checkout. */
export const FIXTURES_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/stripe-openapi/fixtures3.json",
);

export const FIXTURE_TYPES = [
  "product.created",
  "price.created",
  "customer.created",
  "customer.updated",
  "customer.subscription.created",
  "customer.subscription.updated",
  "invoice.finalized",
  "invoice.paid",
  "charge.succeeded",
  "charge.refunded",
] as const;

type Obj = Record<string, unknown> & { id: string };
const clone = <T>(o: T): T => structuredClone(o);

/** Sets that are in progress at once: an object's next event comes ~this many events later. */
const INTERLEAVE = 40;

/**
 * `sets` linked sets (10 events each), delivered in `created` order with the sets' timelines
 * overlapping, as a busy account's are. Every object's latest version goes into `objects` for
 * the stand-in Stripe API (parents fetched when a child arrives first).
 */
export function fixtureEvents(
  sets: number,
  opts: { seed: number; start: number; objects: ObjectStore; file?: string },
): BenchEvent[] {
  const r = rng(opts.seed);
  const id = ids(r);
  const res = (
    JSON.parse(readFileSync(opts.file ?? FIXTURES_FILE, "utf8")) as {
      resources: Record<string, Obj>;
    }
  ).resources;
  const f = (name: string) => clone(res[name]!);

  // Every event gets a slot (set i, step s) → position i + s·INTERLEAVE, then `created` by rank.
  const slots: Array<{ at: number; type: string; object: Obj; previous?: object }> = [];
  for (let i = 0; i < sets; i++) {
    const step = (s: number, type: string, object: Obj, previous?: object) =>
      slots.push({
        at: i + s * INTERLEAVE + s / 100,
        type,
        object,
        ...(previous ? { previous } : {}),
      });
    const product = f("product");
    product.id = id("prod", 14);
    product.name = `Fixture plan ${i}`;
    product.default_price = null;
    const price = f("price");
    price.id = id("price", 24);
    price.product = product.id;
    const customer = f("customer");
    customer.id = id("cus", 14);
    customer.email = `fixture${i}@example.com`;
    customer.name = `Fixture Customer ${i}`;
    customer.invoice_prefix = id("", 8).slice(1).toUpperCase();
    (customer.discount as Obj).customer = customer.id;
    const sub = f("subscription");
    sub.id = id("sub", 24);
    sub.customer = customer.id;
    Object.assign(sub, { cancel_at: null, canceled_at: null, ended_at: null });
    Object.assign(sub, { cancel_at_period_end: false, status: "trialing" });
    const item = (sub.items as { data: Obj[]; url: string }).data[0]!;
    item.id = id("si", 14);
    item.subscription = sub.id;
    item.price = clone(price);
    Object.assign(item.plan as Obj, { id: price.id, product: product.id, currency: "usd" });
    (sub.items as { url: string }).url = `/v1/subscription_items?subscription=${sub.id}`;
    const invoice = f("invoice");
    invoice.id = id("in", 24);
    invoice.customer = customer.id;
    invoice.customer_email = customer.email;
    invoice.number = `${String(customer.invoice_prefix)}-0001`;
    invoice.status = "open";
    invoice.parent = {
      quote_details: null,
      subscription_details: { metadata: {}, subscription: sub.id },
      type: "subscription_details",
    };
    const lines = invoice.lines as { data: Obj[]; url: string };
    lines.url = `/v1/invoices/${invoice.id}/lines`;
    const line = lines.data[0]!;
    line.id = id("il", 24);
    line.invoice = invoice.id;
    line.subscription = sub.id;
    const lineParent = line.parent as { subscription_item_details: Obj; type: string };
    Object.assign(lineParent.subscription_item_details, {
      subscription: sub.id,
      subscription_item: item.id,
      invoice_item: null,
    });
    lineParent.type = "subscription_item_details";
    const charge = f("charge");
    charge.id = id("ch", 24);
    charge.customer = customer.id;
    charge.amount = invoice.amount_due;
    charge.amount_captured = invoice.amount_due;
    charge.captured = true;
    charge.description = `Payment for invoice ${String(invoice.number)}`;
    charge.balance_transaction = id("txn", 24);
    (charge.refunds as { url: string }).url = `/v1/charges/${charge.id}/refunds`;
    const refund = f("refund");
    refund.id = id("re", 24);
    refund.charge = charge.id;
    refund.amount = charge.amount;

    step(0, "product.created", product);
    step(1, "price.created", price);
    step(2, "customer.created", customer);
    step(3, "customer.updated", { ...customer, phone: "+15555550100" }, { phone: null });
    step(4, "customer.subscription.created", sub);
    step(5, "customer.subscription.updated", { ...sub, status: "active" }, { status: "trialing" });
    step(6, "invoice.finalized", invoice);
    step(
      7,
      "invoice.paid",
      { ...invoice, status: "paid", amount_paid: invoice.amount_due, amount_remaining: 0 },
      { status: "open", amount_paid: 0, amount_remaining: invoice.amount_due },
    );
    step(8, "charge.succeeded", charge);
    step(
      9,
      "charge.refunded",
      {
        ...charge,
        refunded: true,
        amount_refunded: charge.amount,
        refunds: { ...(charge.refunds as object), data: [refund], total_count: 1 },
      },
      { refunded: false, amount_refunded: 0 },
    );
  }
  slots.sort((a, b) => a.at - b.at);

  // `created` strictly increasing in delivery order; objects stamped by their first event.
  const firstSeen = new Map<string, number>();
  return slots.map((s, n) => {
    const created = opts.start + n;
    const object = { ...s.object, created: firstSeen.get(s.object.id) ?? created };
    firstSeen.set(s.object.id, object.created);
    opts.objects.set(object.id, object);
    const eventId = id("evt", 24);
    const payload = JSON.stringify({
      id: eventId,
      object: "event",
      api_version: Stripe.API_VERSION,
      created,
      data: s.previous ? { object, previous_attributes: s.previous } : { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: id("req", 14), idempotency_key: id("idem", 20) },
      type: s.type,
    });
    return { id: eventId, type: s.type, created, payload };
  });
}
