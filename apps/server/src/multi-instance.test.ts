import { createServer, type Socket } from "node:net";
import {
  convergenceProblems,
  deliverSignedEvents,
  frozenAccountClient,
  recordEvents,
  signStripePayload,
  systemClock,
} from "@folio/billing";
import {
  auditLog,
  closeDb,
  createDb,
  creditLedger,
  orders,
  shippingTasks,
  stripeCustomers,
  subscriptionHistory,
  webhookEvents,
  type Db,
} from "@folio/db";
import { testDialect } from "@folio/db/testing";
import {
  payCheckoutPage,
  startEmulator,
  type EmulatorHandle,
  type PayCheckoutOptions,
} from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApplyThread } from "./apply-worker.ts";
import { startServer, type RunningServer } from "./server.ts";
import { insertUser, testEnv, TEST_PASSWORD } from "./test/helpers.ts";
import { dropServerTestDatabases, serverTestDatabase } from "./test/server-db.ts";
import { until } from "./test/wait.ts";

// Two Folio servers on two ports sharing one PostgreSQL database, as behind a load balancer.
// SQLite is the embedded, single-instance setup by design (one server process per database
// file), so this suite runs on PostgreSQL only.

const SECRET = "whsec_multi_instance_0123456789";
const CUSTOMERS = 4;
/** Short, so a dead instance's claims lapse within the test. */
const LEASE_MS = 1_500;

let emu: EmulatorHandle;
const servers: RunningServer[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await Promise.all(servers.splice(0).map((s) => s.close()));
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  await dropServerTestDatabases();
});

/** Starts instances on one fresh database (together: migrations run once, under a lock). */
async function startInstances(
  stripeUrls: string[],
  names: string[],
  given?: Awaited<ReturnType<typeof serverTestDatabase>>,
): Promise<{ instances: RunningServer[]; db: Db }> {
  const database = given ?? (await serverTestDatabase());
  const instances = await Promise.all(
    stripeUrls.map((url, i) =>
      startServer(
        testEnv({
          PORT: "0",
          ...database.env,
          STRIPE_SECRET_KEY: emu.apiKey,
          STRIPE_API_URL: url,
          STRIPE_WEBHOOK_SECRETS: SECRET,
        }),
        {
          print: () => undefined,
          holder: names[i]!,
          webhookWorker: { leaseMs: LEASE_MS, pollMs: 50, baseBackoffMs: 200 },
        },
      ),
    ),
  );
  servers.push(...instances);
  return { instances, db: instances[0]!.db };
}

/** Delivers `event` to `server`'s webhook route, signed now, as Stripe would. */
async function post(server: RunningServer, event: Stripe.Event | string): Promise<number> {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const res = await fetch(`${server.address}/api/stripe/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "stripe-signature": signStripePayload(body, SECRET, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function drained(db: Db, total: number) {
  return until(
    async () => {
      const rows = await db.select().from(webhookEvents);
      const open = rows.filter((r) => r.status === "pending" || r.status === "failed");
      return rows.length === total && open.length === 0 ? rows : undefined;
    },
    60_000,
    `${total} events applied`,
  );
}

const NAVY_YARD = { line1: "1 Navy Yard", city: "Arlington", postal_code: "22202", country: "US" };

async function pay(url: string, options: PayCheckoutOptions) {
  const res = await payCheckoutPage(url, { name: "Grace Hopper", ...options });
  if (res.status !== 303) throw new Error(`checkout failed: ${res.status} ${res.html}`);
}

describe.skipIf(testDialect() !== "postgres")(
  "several instances on one PostgreSQL database (skipped on SQLite: one instance per database file by design)",
  () => {
    /** The recorded account: what each customer did, and every event Stripe sent for it. */
    let events: Stripe.Event[];
    let stripe: Stripe;

    beforeAll(async () => {
      emu = await startEmulator({ deterministic: { seed: "folio-multi-instance" } });
      const live = emu.stripe();
      const plan = await live.prices.create({
        currency: "usd",
        unit_amount: 1500,
        recurring: { interval: "month" },
        product_data: { name: "Pro", metadata: { folio_kind: "plan", folio_plan: "pro" } },
      });
      const notebook = await live.products.create({
        name: "A5 Notebook",
        shippable: true,
        metadata: { folio_kind: "physical", folio_requires_shipping: "true" },
      });
      const notebookPrice = await live.prices.create({
        currency: "usd",
        unit_amount: 2400,
        product: notebook.id,
      });
      emu.advanceClock(5);
      for (let i = 0; i < CUSTOMERS; i++) {
        const email = `buyer${i}@example.com`;
        const subSession = await live.checkout.sessions.create({
          mode: "subscription",
          line_items: [{ price: plan.id, quantity: 1 }],
          success_url: "https://folio.example/welcome",
        });
        await pay(subSession.url ?? "", { email });
        const done = await live.checkout.sessions.retrieve(subSession.id);
        const customer = done.customer as string;
        const subscription = await live.subscriptions.retrieve(done.subscription as string);
        emu.advanceClock(30);
        const orderSession = await live.checkout.sessions.create({
          mode: "payment",
          customer,
          line_items: [{ price: notebookPrice.id, quantity: 1 + i }],
          shipping_address_collection: { allowed_countries: ["US"] },
          success_url: "https://folio.example/thanks",
        });
        await pay(orderSession.url ?? "", { email, shipping: NAVY_YARD });
        emu.advanceClock(30);
        await live.subscriptions.update(subscription.id, {
          items: [{ id: subscription.items.data[0]!.id, quantity: 2 }],
          proration_behavior: "none",
        });
        emu.advanceClock(30);
        await live.customers.createBalanceTransaction(customer, {
          amount: -500,
          currency: "usd",
          description: "Goodwill credit",
        });
        if (i % 2 === 0) await live.subscriptions.cancel(subscription.id);
        emu.advanceClock(60);
      }
      events = await recordEvents(live);
      expect(events.length).toBeGreaterThan(20 * CUSTOMERS);
      // The account does not change from here on.
      stripe = frozenAccountClient((config) => emu.stripe(undefined, config)).stripe;
    }, 60_000);

    it("applies each event exactly once and in per-object order when deliveries are split (and duplicated) across instances; sessions work on either", async () => {
      const {
        instances: [a, b],
        db,
      } = await startInstances([emu.url, emu.url], ["instance-a", "instance-b"]);

      // Delivered in Stripe's order, ten at a time, alternating instances; every third event goes
      // to both at once, as a retry racing the original would. Each chunk is acknowledged before
      // the next is sent.
      const chunkOf = new Map<string, number>();
      for (let start = 0, chunk = 0; start < events.length; start += 10, chunk++) {
        const slice = events.slice(start, start + 10);
        const posts = slice.flatMap((event, k) => {
          chunkOf.set(event.id, chunk);
          const first = k % 2 === 0 ? a! : b!;
          const other = first === a ? b! : a!;
          return (start + k) % 3 === 0
            ? [post(first, event), post(other, event)]
            : [post(first, event)];
        });
        expect(new Set(await Promise.all(posts))).toEqual(new Set([200]));
      }
      // A late redelivery of every fifth event, to both.
      const late = events.filter((_, i) => i % 5 === 0);
      for (const event of late)
        expect([await post(a!, event), await post(b!, event)]).toEqual([200, 200]);

      const inbox = await drained(db, events.length);
      // Exactly once: one inbox row per event, each applied (the records below are not doubled).
      // An event may take a second attempt: two instances planning writes to one shared parent
      // at once conflict, and the loser re-plans and retries, which is the guard working.
      expect(inbox.filter((e) => e.status !== "applied" && e.status !== "ignored")).toEqual([]);
      expect(inbox.every((e) => e.claimedBy === null)).toBe(true);

      // Per object: an event already in the inbox when a later one (by created, id) of the same
      // object arrived was applied no later than it.
      const byObject = new Map<string, typeof inbox>();
      for (const e of inbox) {
        if (!e.objectId) continue;
        byObject.set(e.objectId, [...(byObject.get(e.objectId) ?? []), e]);
      }
      const outOfOrder: string[] = [];
      for (const list of byObject.values()) {
        list.sort((x, y) => x.created.getTime() - y.created.getTime() || (x.id < y.id ? -1 : 1));
        for (let i = 0; i < list.length; i++) {
          for (let j = i + 1; j < list.length; j++) {
            const [e1, e2] = [list[i]!, list[j]!];
            if (chunkOf.get(e1.id)! < chunkOf.get(e2.id)! && e1.appliedAt! > e2.appliedAt!) {
              outOfOrder.push(`${e2.id} (${e2.type}) before ${e1.id} (${e1.type})`);
            }
          }
        }
      }
      expect(outOfOrder).toEqual([]);

      const [auditRows, orderRows, tasks, credits, history] = await Promise.all([
        db.select().from(auditLog),
        db.select().from(orders),
        db.select().from(shippingTasks),
        db.select().from(creditLedger),
        db.select().from(subscriptionHistory),
      ]);
      // Folio's own records, once each.
      expect(orderRows).toHaveLength(CUSTOMERS);
      expect(tasks).toHaveLength(CUSTOMERS);
      expect(credits).toHaveLength(CUSTOMERS);
      expect(history.length).toBeGreaterThanOrEqual(CUSTOMERS);
      const created = auditRows
        .filter((r) => r.action === "order.created" || r.action === "shipping_task.created")
        .map((r) => `${r.action} ${r.target}`);
      expect(created).toHaveLength(2 * CUSTOMERS);
      expect(new Set(created).size).toBe(created.length);

      // The mirror converged on what Stripe holds.
      expect(await convergenceProblems(db, stripe)).toEqual([]);

      // A session made by signing in on A works on B, and signing out on B ends it on A.
      const user = await insertUser(db, "customer", { email: "roaming@example.com" });
      const signIn = await fetch(`${a!.address}/api/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
        body: JSON.stringify({ email: "roaming@example.com", password: TEST_PASSWORD }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .find((c) => c.startsWith("folio_session="))!
        .split(";")[0]!;
      const me = async (server: RunningServer) =>
        (
          (await (
            await fetch(`${server.address}/api/trpc/auth.me`, { headers: { cookie } })
          ).json()) as { result: { data: { user: { id: string } } | null } }
        ).result.data;
      expect((await me(b!))?.user.id).toBe(user.id);
      const signOut = await fetch(`${b!.address}/api/trpc/auth.signOut`, {
        method: "POST",
        headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
      });
      expect(signOut.status).toBe(200);
      expect(await me(a!)).toBeNull();
    }, 120_000);

    it("an instance killed while holding claims: another applies them after the lease, once", async () => {
      // A's Stripe accepts connections and never answers, so A's apply thread hangs on the first
      // event (another API version, so the object is fetched) with the rest of its batch claimed.
      const sockets = new Set<Socket>();
      const hung = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
      cleanups.push(async () => {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => hung.close(resolve));
      });
      const hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;

      const live = emu.stripe();
      const customers = await Promise.all(
        [0, 1, 2, 3, 4].map((i) => live.customers.create({ email: `claimed${i}@example.com` })),
      );
      const ids = new Set(customers.map((c) => c.id));
      const [first, ...rest] = (await recordEvents(live))
        .filter(
          (e) => e.type === "customer.created" && ids.has((e.data.object as { id: string }).id),
        )
        .sort((x, y) => x.created - y.created || (x.id < y.id ? -1 : 1));
      const bodies = [
        JSON.stringify({ ...first, api_version: "2020-08-27" }),
        ...rest.map((e) => JSON.stringify(e)),
      ];
      // In the inbox before A starts, so A's first claim takes them all.
      const database = await serverTestDatabase();
      const setup = await createDb(database.config);
      await deliverSignedEvents({ db: setup, clock: systemClock }, bodies, SECRET);
      await closeDb(setup);

      const {
        instances: [a],
        db,
      } = await startInstances([hungUrl], ["doomed-a"], database);
      await until(async () => {
        const rows = await db.select().from(webhookEvents);
        return rows.every((r) => r.claimedBy === "doomed-a" || r.status === "applied")
          ? rows
          : undefined;
      });
      await until(() => (sockets.size > 0 ? true : undefined), 10_000, "A to call Stripe");
      // kill -9: the thread dies mid-apply and nothing gives its claims back.
      await (a!.app.folio.webhookWorker as ApplyThread).kill({ restart: false });
      // A may have applied events of other objects in its other lanes before it died; what it
      // still held (at least the hung one) is what B must wait for.
      const held = (await db.select().from(webhookEvents)).filter((r) => r.status !== "applied");
      expect(held.map((r) => r.id)).toContain(first!.id);
      expect(held.every((r) => r.claimedBy === "doomed-a")).toBe(true);
      const leaseEnd = new Map(held.map((r) => [r.id, r.claimExpiresAt!.getTime()]));
      expect(Math.max(...leaseEnd.values())).toBeGreaterThan(Date.now());

      await startInstances([emu.url], ["survivor-b"], database);

      const inbox = await drained(db, bodies.length);
      expect(inbox.map((e) => [e.status, e.attempts])).toEqual(bodies.map(() => ["applied", 1]));
      // None that A still held before A's lease on it lapsed.
      for (const e of inbox.filter((r) => leaseEnd.has(r.id))) {
        expect(e.appliedAt!.getTime()).toBeGreaterThanOrEqual(leaseEnd.get(e.id)!);
      }
      const mirrored = await db.select().from(stripeCustomers);
      expect(mirrored.map((c) => c.id).sort()).toEqual([...ids].sort());
    }, 60_000);
  },
);
