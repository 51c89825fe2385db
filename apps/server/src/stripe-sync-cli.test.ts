import { closeDb, createDb, stripeCustomers, webhookEvents, type Db } from "@folio/db";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";
import { dropServerTestDatabases, serverTestDatabase } from "./test/server-db.ts";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
  await dropServerTestDatabases();
});

type TestDatabase = Awaited<ReturnType<typeof serverTestDatabase>>;

async function run(argv: string[], database: TestDatabase) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const code = await runCli(argv, {
    source: {
      ...database.env,
      NODE_ENV: "test",
      STRIPE_SECRET_KEY: emu.apiKey,
      STRIPE_API_URL: emu.url,
    },
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
    progress: (t) => progress.push(t),
  });
  return { code, out: out.join("\n"), err: err.join("\n"), progress: progress.join("") };
}

/** Opens the CLI's database from the test, runs `fn`, closes it. */
async function inspect<T>(database: TestDatabase, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await createDb(database.config);
  try {
    return await fn(db);
  } finally {
    await closeDb(db);
  }
}

describe("folio stripe sync / replay", () => {
  it("backfills, prints a diff summary with progress on stderr, and is idempotent", async () => {
    const stripe = emu.stripe();
    const a = await stripe.customers.create({ email: "cli-a@example.com" });
    await stripe.customers.create({ email: "cli-b@example.com" });
    const database = await serverTestDatabase();

    const first = await run(["stripe", "sync"], database);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^type\s+created\s+updated\s+unchanged\s+tombstoned/);
    expect(first.out).toMatch(/\ncustomer\s+2\s+0\s+0\s+0/);
    expect(first.progress).toContain("customer 2 done");

    await stripe.customers.update(a.id, { name: "Renamed" });
    const second = await run(["stripe", "sync"], database);
    expect(second.out).toMatch(/\ncustomer\s+0\s+1\s+1\s+0/);

    const customers = await inspect(database, (db) => db.select().from(stripeCustomers));
    expect(customers.find((c) => c.id === a.id)?.name).toBe("Renamed");
  });

  it("rejects a bad --since", async () => {
    const { code, err } = await run(
      ["stripe", "sync", "--since", "yesterday-ish"],
      await serverTestDatabase(),
    );
    expect(code).toBe(1);
    expect(err).toContain("--since must be an ISO date");
  });

  it("replay queues and applies what Stripe reports undelivered", async () => {
    const stripe = emu.stripe();
    // An endpoint nobody listens on: every event stays undelivered.
    emu.addWebhookEndpoint({ url: "http://127.0.0.1:9/api/stripe/webhook" });
    const c = await stripe.customers.create({ email: "replay@example.com", name: "Replayed" });
    const database = await serverTestDatabase();
    const { code, out } = await run(["stripe", "replay"], database);
    expect(code).toBe(0);
    expect(out).toMatch(/Stripe reports \d+ undelivered event\(s\); \d+ were new to the inbox\./);
    const [customers, events] = await inspect(database, async (db) => [
      await db.select().from(stripeCustomers),
      await db.select().from(webhookEvents),
    ]);
    expect(customers.map((r) => r.id)).toContain(c.id);
    expect(events.every((e) => e.status === "applied")).toBe(true);
    // Nothing is left claimed by the command once it exits.
    expect(events.every((e) => e.claimedBy === null)).toBe(true);
    // A second run finds them all in the inbox already.
    expect((await run(["stripe", "replay"], database)).out).toMatch(/; 0 were new to the inbox\./);
  });
});
