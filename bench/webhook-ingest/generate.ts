import { createHmac } from "node:crypto";
import type Stripe from "stripe";
import {
  API_VERSION,
  ids,
  makeCharge,
  makeCustomer,
  makeInvoice,
  makeInvoicePayment,
  makePaymentIntent,
  makePrice,
  makeProduct,
  makeSubscription,
  rng,
  type SubItemSpec,
} from "./objects.ts";

export interface BenchEvent {
  id: string;
  type: string;
  created: number;
  /** The exact bytes POSTed (and signed). */
  payload: string;
}

export interface GeneratedSet {
  events: BenchEvent[];
  customers: number;
}

/** Every object's latest version, for the stand-in Stripe API the server fetches from. */
export type ObjectStore = Map<string, { id: string }>;

const DAY = 86_400;

/**
 * The bench's account: a catalog (3 plans × monthly/annual) and then, per customer, a realistic
 * lifecycle — sign-up, 14-day trial with a $0 invoice, card saved, trial converts with a paid
 * invoice (payment intent, charge, invoice payment), and for some an upgrade or a cancellation.
 * Each object's events are at least a second apart, as Stripe's are for one object in practice.
 */
export class Account {
  private readonly r;
  private readonly id;
  readonly objects: ObjectStore = new Map();
  private readonly prices: Stripe.Price[] = [];
  private nextCustomer = 0;
  private invoiceNumber = 1000;

  constructor(
    seed: number,
    private readonly start: number,
  ) {
    this.r = rng(seed);
    this.id = ids(this.r);
  }

  private event(
    type: string,
    object: { id: string },
    created: number,
    previous?: Record<string, unknown>,
  ): BenchEvent {
    this.objects.set(object.id, object);
    const id = this.id("evt", 24);
    const payload = JSON.stringify({
      id,
      object: "event",
      api_version: API_VERSION,
      created,
      data: previous ? { object, previous_attributes: previous } : { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: this.id("req", 14), idempotency_key: this.id("idem", 20) },
      type,
    });
    return { id, type, created, payload };
  }

  catalog(): BenchEvent[] {
    const out: BenchEvent[] = [];
    let t = this.start;
    for (const [key, name, monthly] of [
      ["plus", "Quire Plus", 600],
      ["pro", "Quire Pro", 1400],
      ["team", "Quire Team", 900],
    ] as const) {
      const product = makeProduct(`prod_bench_${key}`, name, key, t);
      out.push(this.event("product.created", product, t++));
      for (const [interval, amount] of [
        ["month", monthly],
        ["year", monthly * 10],
      ] as const) {
        const price = makePrice(`price_bench_${key}_${interval}`, product.id, amount, interval, t);
        this.prices.push(price);
        out.push(this.event("price.created", price, t++));
      }
    }
    return out;
  }

  /** One customer's lifecycle starting at `t0`. */
  customer(t0: number): BenchEvent[] {
    const r = this.r;
    const n = this.nextCustomer++;
    const out: BenchEvent[] = [];
    let t = t0;
    const cus = makeCustomer(r, this.id("cus", 14), n, t);
    out.push(this.event("customer.created", cus, t));

    const plan = r.pick(this.prices);
    const items: SubItemSpec[] = [{ itemId: this.id("si", 14), price: plan, quantity: 1 }];
    if (plan.product === "prod_bench_team") items[0]!.quantity = r.int(2, 12);
    const subId = this.id("sub", 24);
    const trialStart = (t += 2);
    const trialEnd = trialStart + 14 * DAY;
    const trialInvoiceId = this.id("in", 24);
    const sub = (over: Partial<Parameters<typeof makeSubscription>[0]>) =>
      makeSubscription({
        id: subId,
        customer: cus.id,
        created: trialStart,
        status: "trialing",
        items,
        periodStart: trialStart,
        periodEnd: trialEnd,
        trialStart,
        trialEnd,
        latestInvoice: trialInvoiceId,
        defaultPaymentMethod: null,
        ...over,
      });
    out.push(this.event("customer.subscription.created", sub({}), t));

    const inv = (over: Partial<Parameters<typeof makeInvoice>[0]> & { id: string }) =>
      makeInvoice({
        customer: cus,
        subscription: subId,
        items,
        created: trialStart,
        periodStart: trialStart,
        periodEnd: trialStart,
        status: "draft",
        number: null,
        finalizedAt: null,
        paidAt: null,
        billingReason: "subscription_create",
        trial: true,
        ...over,
      });
    const trialNumber = `${cus.invoice_prefix}-${String(this.invoiceNumber++).padStart(4, "0")}`;
    out.push(this.event("invoice.created", inv({ id: trialInvoiceId }), ++t));
    const finalized = { id: trialInvoiceId, status: "open" as const, number: trialNumber };
    out.push(this.event("invoice.finalized", inv({ ...finalized, finalizedAt: t + 1 }), ++t));
    const paidTrial = inv({ ...finalized, status: "paid", finalizedAt: t, paidAt: t + 1 });
    out.push(this.event("invoice.paid", paidTrial, ++t, { status: "open" }));
    out.push(this.event("invoice.payment_succeeded", paidTrial, ++t));

    const pm = this.id("pm", 24);
    t += r.int(30, 600);
    const withCard = {
      ...cus,
      invoice_settings: { ...cus.invoice_settings, default_payment_method: pm },
    };
    out.push(
      this.event("customer.updated", withCard, t, {
        invoice_settings: { default_payment_method: null },
      }),
    );

    // Trial ends: the subscription turns active and its first paid invoice is collected.
    t = trialEnd;
    const periodEnd = trialEnd + (plan.recurring?.interval === "year" ? 365 : 30) * DAY;
    const invoiceId = this.id("in", 24);
    const active = sub({
      status: "active",
      periodStart: trialEnd,
      periodEnd,
      latestInvoice: invoiceId,
      defaultPaymentMethod: pm,
    });
    out.push(
      this.event("customer.subscription.updated", active, t, {
        status: "trialing",
        latest_invoice: trialInvoiceId,
      }),
    );
    const number = `${cus.invoice_prefix}-${String(this.invoiceNumber++).padStart(4, "0")}`;
    const cycle = (over: Partial<Parameters<typeof makeInvoice>[0]>) =>
      inv({
        id: invoiceId,
        created: trialEnd,
        periodStart: trialEnd,
        periodEnd: trialEnd,
        billingReason: "subscription_cycle",
        trial: false,
        ...over,
      });
    out.push(this.event("invoice.created", cycle({}), ++t));
    t += 3600; // Stripe finalizes a cycle invoice about an hour after creating it.
    const open = { status: "open" as const, number, finalizedAt: t };
    out.push(this.event("invoice.finalized", cycle(open), t));
    const amount = items.reduce((a, i) => a + (i.price.unit_amount ?? 0) * i.quantity, 0);
    const piId = this.id("pi", 24);
    const chId = this.id("ch", 24);
    const pi = (status: Stripe.PaymentIntent.Status, latestCharge: string | null, at: number) =>
      makePaymentIntent({
        id: piId,
        customer: cus.id,
        amount,
        created: at,
        status,
        latestCharge,
        paymentMethod: pm,
        description: "Subscription update",
      });
    const piCreated = ++t;
    out.push(this.event("payment_intent.created", pi("processing", null, piCreated), piCreated));
    out.push(
      this.event("payment_intent.succeeded", pi("succeeded", chId, piCreated), ++t, {
        status: "processing",
        latest_charge: null,
        amount_received: 0,
      }),
    );
    const ch = makeCharge({
      id: chId,
      customer: withCard,
      paymentIntent: piId,
      amount,
      created: t,
      paymentMethod: pm,
      balanceTransaction: this.id("txn", 24),
    });
    out.push(this.event("charge.succeeded", ch, t));
    const paid = cycle({ ...open, status: "paid", paidAt: t + 1 });
    out.push(this.event("invoice.paid", paid, ++t, { status: "open", amount_paid: 0 }));
    out.push(this.event("invoice.payment_succeeded", paid, ++t));
    out.push(
      this.event(
        "invoice_payment.paid",
        makeInvoicePayment({
          id: this.id("inpay", 24),
          invoice: invoiceId,
          paymentIntent: piId,
          amount,
          created: t,
        }),
        t,
      ),
    );

    if (r.chance(0.25)) {
      // An upgrade: more seats (or a second seat on a personal plan).
      t += r.int(2, 20) * DAY;
      const more = items.map((i) => ({ ...i, quantity: i.quantity + r.int(1, 3) }));
      out.push(
        this.event(
          "customer.subscription.updated",
          sub({
            status: "active",
            items: more,
            periodStart: trialEnd,
            periodEnd,
            latestInvoice: invoiceId,
            defaultPaymentMethod: pm,
          }),
          t,
          { items: { data: [{ quantity: items[0]!.quantity }] } },
        ),
      );
    } else if (r.chance(0.12)) {
      t += r.int(2, 20) * DAY;
      out.push(
        this.event(
          "customer.subscription.deleted",
          sub({
            status: "canceled",
            periodStart: trialEnd,
            periodEnd,
            latestInvoice: invoiceId,
            defaultPaymentMethod: pm,
            canceledAt: t,
          }),
          t,
          { status: "active" },
        ),
      );
    }
    return out;
  }

  /** Customers until at least `minEvents` events, sign-ups spread over `spreadDays` from `from`. */
  customers(minEvents: number, from: number, spreadDays: number): GeneratedSet {
    const events: BenchEvent[] = [];
    let customers = 0;
    const estimate = Math.ceil(minEvents / 17.5);
    while (events.length < minEvents) {
      const t0 = from + Math.floor(((customers % estimate) / estimate) * spreadDays * DAY);
      events.push(...this.customer(t0 + this.r.int(0, 59)));
      customers++;
    }
    // Delivery roughly follows creation time, as Stripe's does.
    events.sort((a, b) => a.created - b.created);
    return { events, customers };
  }
}

/** The `Stripe-Signature` header for `payload` signed at `timestamp` (seconds). */
export function signature(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}
