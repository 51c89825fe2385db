import {
  auditLog,
  billingCustomers,
  creditLedger,
  orderItems,
  orders,
  refunds,
  shippingTasks,
  stripeCustomers,
  stripeRefunds,
  stripeSubscriptions,
  subscriptionHistory,
  users,
  webhookEvents,
  type Db,
} from "@folio/db";
import { count, sql } from "drizzle-orm";
import { insertAll, withIndexesDeferred, type Loader } from "./bulk.ts";

// Bulk data for the admin queries bench: customers with Stripe customers, subscriptions and their
// history, orders with items, shipping tasks, refunds, credit, audit rows and webhook events, in
// the shapes the sync engine and record hooks write. Deterministic for a seed. Rows go in through
// the app's Db by large multi-row INSERTs with secondary indexes rebuilt at the end (bulk.ts).

const FIRST = [
  "anna",
  "ben",
  "carla",
  "dmitri",
  "eve",
  "farid",
  "grace",
  "hugo",
  "ines",
  "jon",
  "kiko",
  "lena",
  "marc",
  "nora",
  "omar",
  "pia",
  "quinn",
  "rosa",
  "sam",
  "tara",
  "ugo",
  "vera",
  "will",
  "xena",
  "yusuf",
  "zoe",
  "maria",
  "mark",
  "martin",
  "marta",
];
const LAST = [
  "smith",
  "garcia",
  "müller",
  "rossi",
  "dubois",
  "kowalski",
  "nguyen",
  "okafor",
  "tanaka",
  "silva",
  "jensen",
  "novak",
  "ivanova",
  "haddad",
  "o'brien",
  "fischer",
  "moreau",
  "costa",
  "larsen",
  "kim",
];
const SUB_STATUSES = [
  ...Array<string>(70).fill("active"),
  ...Array<string>(5).fill("trialing"),
  ...Array<string>(3).fill("past_due"),
  ...Array<string>(2).fill("unpaid"),
  ...Array<string>(20).fill("canceled"),
];
const SHIP_STATUSES = [
  "pending",
  "picking",
  "packed",
  "shipped",
  "delivered",
  "delivered",
  "delivered",
  "canceled",
] as const;
const PRODUCTS = Array.from({ length: 12 }, (_, i) => `prod_bench${i}`);

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

export const START = Date.UTC(2023, 0, 1);
export const END = Date.UTC(2026, 11, 1);

export const customerId = (i: number) => `usr_bench_${String(i).padStart(7, "0")}`;
export const stripeCustomerId = (i: number) => `cus_bench${String(i).padStart(7, "0")}`;

export interface SeedCounts {
  customers: number;
  orders: number;
}

export interface Seeded {
  rows: Record<string, number>;
  /** A few customers' e-mails and names, to search for. */
  emails: string[];
  names: string[];
}

const mirror = (id: string, object: string, at: number) => ({
  id,
  livemode: false,
  stripeCreated: new Date(at),
  raw: { id, object },
  versionTs: new Date(at),
  syncedAt: new Date(at),
});

export async function seed(
  db: Db,
  loader: Loader,
  counts: SeedCounts,
  seedValue: number,
  log: (msg: string) => void,
): Promise<Seeded> {
  const r = rng(seedValue);
  const N = counts.customers;
  const M = counts.orders;
  const span = END - START;
  const created = Array.from({ length: N }, () => START + r.int(span / 2));
  const names = Array.from({ length: N }, () => [r.pick(FIRST), r.pick(LAST)] as const);
  const balance = Array.from({ length: N }, () => {
    const x = r.next();
    return x < 0.1 ? -(100 + r.int(10_000)) : x < 0.12 ? 100 + r.int(5_000) : 0;
  });
  const rows: Record<string, number> = {};
  const time = async (name: string, work: () => Promise<number>) => {
    const t0 = performance.now();
    rows[name] = await work();
    log(`${name}: ${rows[name]} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  const email = (i: number) => `${names[i]![0]}.${names[i]![1].replace(/\W/g, "")}${i}@example.com`;

  const tables = [
    users,
    billingCustomers,
    stripeCustomers,
    stripeSubscriptions,
    subscriptionHistory,
    orders,
    orderItems,
    shippingTasks,
    stripeRefunds,
    creditLedger,
    auditLog,
    webhookEvents,
  ];
  await withIndexesDeferred(
    db,
    tables,
    async () => {
      await time("users", () =>
        insertAll(loader, users, N, (i) => ({
          id: customerId(i),
          email: email(i),
          name: `${cap(names[i]![0])} ${cap(names[i]![1])}`,
          passwordHash: "x",
          role: "customer",
          disabled: false,
          createdAt: new Date(created[i]!),
          updatedAt: new Date(created[i]!),
        })),
      );
      await time("billing_customers", () =>
        insertAll(loader, billingCustomers, N, (i) => ({
          userId: customerId(i),
          stripeCustomerId: stripeCustomerId(i),
          createdAt: new Date(created[i]!),
        })),
      );
      await time("stripe_customers", () =>
        insertAll(loader, stripeCustomers, N, (i) => ({
          ...mirror(stripeCustomerId(i), "customer", created[i]!),
          email: email(i),
          name: `${cap(names[i]![0])} ${cap(names[i]![1])}`,
          balance: balance[i]!,
          currency: "usd",
          delinquent: r.next() < 0.03,
        })),
      );
      // 80% of customers have a subscription.
      const subOf = (i: number) => (i % 5 === 4 ? null : `sub_bench${String(i).padStart(7, "0")}`);
      await time("stripe_subscriptions", () =>
        insertAll(loader, stripeSubscriptions, N, (i) => {
          const id = subOf(i);
          return id === null
            ? null
            : {
                ...mirror(id, "subscription", created[i]! + 86_400_000),
                customerId: stripeCustomerId(i),
                status: r.pick(SUB_STATUSES),
                currency: "usd",
                cancelAtPeriodEnd: r.next() < 0.05,
              };
        }),
      );
      await time("subscription_history", () =>
        insertAll(loader, subscriptionHistory, N * 2, (k) => {
          const i = k >> 1;
          const id = subOf(i);
          if (id === null) return null;
          const at = created[i]! + 86_400_000 + (k & 1) * 30 * 86_400_000;
          return {
            subscriptionId: id,
            stripeCustomerId: stripeCustomerId(i),
            eventId: `evt_bench_sh${k}`,
            eventType: k & 1 ? "customer.subscription.updated" : "customer.subscription.created",
            status: "active",
            currency: "usd",
            items: [
              {
                subscriptionItemId: `si_${k}`,
                priceId: "price_bench_pro",
                productId: PRODUCTS[0]!,
                quantity: 1 + (k & 1),
                unitAmount: 2000,
                interval: "month",
                intervalCount: 1,
              },
            ],
            discounts: [],
            cancelAtPeriodEnd: false,
            paused: false,
            fingerprint: `f${k}`,
            effectiveAt: new Date(at),
            recordedAt: new Date(at),
          };
        }),
      );

      // Orders: customer i gets ~M/N of them, placed after they signed up.
      const orderCustomer = Array.from({ length: M }, () => r.int(N));
      const placed = orderCustomer.map((i) => created[i]! + r.int(END - created[i]!));
      const orderId = (k: number) => `ord_bench${String(k).padStart(8, "0")}`;
      const ships = (k: number) => k % 5 < 2;
      const payment = (k: number) =>
        k % 50 === 7
          ? "refunded"
          : k % 50 === 8
            ? "partially_refunded"
            : k % 50 === 9
              ? "disputed"
              : "paid";
      await time("orders", () =>
        insertAll(loader, orders, M, (k) => {
          const i = orderCustomer[k]!;
          const total = 500 + r.int(50_000);
          const state = payment(k);
          return {
            id: orderId(k),
            checkoutSessionId: `cs_bench${k}`,
            paymentIntentId: `pi_bench${k}`,
            stripeCustomerId: stripeCustomerId(i),
            userId: customerId(i),
            email: email(i),
            currency: "usd",
            amountSubtotal: total,
            amountDiscount: 0,
            amountShipping: 0,
            amountTax: 0,
            amountTotal: total,
            amountRefunded:
              state === "refunded" ? total : state === "partially_refunded" ? total >> 1 : 0,
            paymentState: state,
            requiresShipping: ships(k),
            shippingName: ships(k) ? `${cap(names[i]![0])} ${cap(names[i]![1])}` : null,
            shippingLine1: ships(k) ? `${1 + r.int(200)} Main Street` : null,
            shippingCity: ships(k) ? "Springfield" : null,
            shippingPostalCode: ships(k) ? String(10_000 + r.int(89_999)) : null,
            shippingCountry: ships(k) ? "US" : null,
            livemode: false,
            placedAt: new Date(placed[k]!),
            createdAt: new Date(placed[k]!),
            updatedAt: new Date(placed[k]!),
          };
        }),
      );
      await time("order_items", () =>
        insertAll(loader, orderItems, M, (k) => ({
          orderId: orderId(k),
          lineItemId: `li_bench${k}`,
          priceId: "price_bench",
          productId: PRODUCTS[k % PRODUCTS.length]!,
          description: `Product ${k % PRODUCTS.length}`,
          quantity: 1 + (k % 3),
          currency: "usd",
          unitAmount: 1000,
          amountSubtotal: 1000,
          amountDiscount: 0,
          amountTax: 0,
          amountTotal: 1000,
          requiresShipping: ships(k),
        })),
      );
      await time("shipping_tasks", () =>
        insertAll(loader, shippingTasks, M, (k) => {
          if (!ships(k)) return null;
          const status = SHIP_STATUSES[k % SHIP_STATUSES.length]!;
          const at = placed[k]!;
          const after = (n: number) => new Date(at + n * 3_600_000);
          const reached = (s: string) =>
            SHIP_STATUSES.indexOf(status) >= SHIP_STATUSES.indexOf(s as never) &&
            status !== "canceled";
          return {
            id: `st_bench${k}`,
            orderId: orderId(k),
            status,
            carrier: reached("shipped") ? "UPS" : null,
            trackingNumber: reached("shipped") ? `1Z${k}` : null,
            pickingAt: reached("picking") ? after(1) : null,
            packedAt: reached("packed") ? after(2) : null,
            shippedAt: reached("shipped") ? after(3) : null,
            deliveredAt: status === "delivered" ? after(48) : null,
            canceledAt: status === "canceled" ? after(1) : null,
            createdAt: new Date(at),
            updatedAt: new Date(at),
          };
        }),
      );
      await time("stripe_refunds", () =>
        insertAll(loader, stripeRefunds, M, (k) => {
          const state = payment(k);
          if (state !== "refunded" && state !== "partially_refunded") return null;
          return {
            ...mirror(`re_bench${k}`, "refund", placed[k]! + 86_400_000),
            paymentIntentId: `pi_bench${k}`,
            chargeId: `ch_bench${k}`,
            status: "succeeded",
            amount: 1000,
            currency: "usd",
            reason: "requested_by_customer",
          };
        }),
      );
      await time("credit_ledger", () =>
        insertAll(loader, creditLedger, N, (i) =>
          balance[i] === 0
            ? null
            : {
                balanceTransactionId: `cbtxn_bench${i}`,
                stripeCustomerId: stripeCustomerId(i),
                userId: customerId(i),
                amount: balance[i]!,
                currency: "usd",
                endingBalance: balance[i]!,
                reason: "adjustment",
                description: "Goodwill",
                occurredAt: new Date(created[i]! + 10 * 86_400_000),
                recordedAt: new Date(created[i]! + 10 * 86_400_000),
              },
        ),
      );
      // Staff actions: one per order in 10, on the order; the customer pages read them by target.
      await time("audit_log", () =>
        insertAll(loader, auditLog, M / 10, (j) => {
          const k = j * 10;
          return {
            actorType: "staff",
            actorId: "usr_bench_support",
            action: j % 2 ? "order.note_added" : "credit.granted",
            target:
              j % 2 ? `order:${orderId(k)}` : `customer:${stripeCustomerId(orderCustomer[k]!)}`,
            after: j % 2 ? { note: "called the customer" } : { amount: 500, currency: "usd" },
            reason: "Customer asked",
            ip: "198.51.100.7",
            at: new Date(placed[k]! + 3_600_000),
          };
        }),
      );
      // Webhook events on customers' subscriptions and orders' payment intents (payload pruned).
      await time("webhook_events", () =>
        insertAll(loader, webhookEvents, N * 3, (j) => {
          const i = j % N;
          const sub = subOf(i);
          const onSub = j < N * 2 && sub !== null;
          const at = created[i]! + (j / N) * 86_400_000;
          return {
            id: `evt_bench${j}`,
            type: onSub ? "customer.subscription.updated" : "customer.updated",
            created: new Date(at),
            livemode: false,
            objectId: onSub ? sub : stripeCustomerId(i),
            objectType: onSub ? "subscription" : "customer",
            payload: "{}",
            status: "applied",
            attempts: 1,
            receivedAt: new Date(at + 1000),
            appliedAt: new Date(at + 1200),
          };
        }),
      );
    },
    log,
  );
  const samples = Array.from({ length: 200 }, () => r.int(N));
  return {
    rows,
    emails: samples.map(email),
    names: samples.map((i) => `${names[i]![0]} ${names[i]![1]}`),
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Folio's own refunds (the admin refunds list), one per refunded order, made from the orders with
 * one INSERT … SELECT (portable SQL) — also on a database built before the table existed.
 */
export async function seedFolioRefunds(db: Db): Promise<number> {
  const existing = await db.select({ id: refunds.id }).from(refunds).limit(1);
  if (existing.length) return 0;
  await db.run(sql`
    insert into refunds (id, idempotency_key, order_id, payment_intent_id, charge_id,
      stripe_customer_id, amount, currency, destination, reason, status, stripe_refund_id,
      requested_by, created_at, updated_at)
    select 'rf_' || id, 'bench_' || id, id, payment_intent_id, null, stripe_customer_id,
      amount_refunded, currency, 'card', 'requested_by_customer', 'succeeded', null,
      null, placed_at + 86400000, placed_at + 86400000
    from orders where payment_state in ('refunded', 'partially_refunded')`);
  const [row] = await db.select({ n: count() }).from(refunds);
  return row?.n ?? 0;
}
