import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, stripeCustomers, webhookEvents } from "@folio/db";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";

let emu: EmulatorHandle;
const dirs: string[] = [];
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "folio-stripe-cli-"));
  dirs.push(dir);
  return join(dir, "folio.db");
}

async function run(argv: string[], dbPath: string) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const code = await runCli(argv, {
    source: {
      DATABASE_PATH: dbPath,
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

describe("folio stripe sync / replay", () => {
  it("backfills, prints a diff summary with progress on stderr, and is idempotent", async () => {
    const stripe = emu.stripe();
    const a = await stripe.customers.create({ email: "cli-a@example.com" });
    await stripe.customers.create({ email: "cli-b@example.com" });
    const path = tempDb();

    const first = await run(["stripe", "sync"], path);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^type\s+created\s+updated\s+unchanged\s+tombstoned/);
    expect(first.out).toMatch(/\ncustomer\s+2\s+0\s+0\s+0/);
    expect(first.progress).toContain("customer 2 done");

    await stripe.customers.update(a.id, { name: "Renamed" });
    const second = await run(["stripe", "sync"], path);
    expect(second.out).toMatch(/\ncustomer\s+0\s+1\s+1\s+0/);

    const db = createDb(path);
    expect(
      db
        .select()
        .from(stripeCustomers)
        .all()
        .find((c) => c.id === a.id)?.name,
    ).toBe("Renamed");
    db.$client.close();
  });

  it("rejects a bad --since", async () => {
    const { code, err } = await run(["stripe", "sync", "--since", "yesterday-ish"], tempDb());
    expect(code).toBe(1);
    expect(err).toContain("--since must be an ISO date");
  });

  it("replay queues and applies what Stripe reports undelivered", async () => {
    const stripe = emu.stripe();
    // An endpoint nobody listens on: every event stays undelivered.
    emu.addWebhookEndpoint({ url: "http://127.0.0.1:9/api/stripe/webhook" });
    const c = await stripe.customers.create({ email: "replay@example.com", name: "Replayed" });
    const path = tempDb();
    const { code, out } = await run(["stripe", "replay"], path);
    expect(code).toBe(0);
    expect(out).toMatch(/Stripe reports \d+ undelivered event\(s\); \d+ were new to the inbox\./);
    const db = createDb(path);
    expect(
      db
        .select()
        .from(stripeCustomers)
        .all()
        .map((r) => r.id),
    ).toContain(c.id);
    expect(
      db
        .select()
        .from(webhookEvents)
        .all()
        .every((e) => e.status === "applied"),
    ).toBe(true);
    db.$client.close();
    // A second run finds them all in the inbox already.
    expect((await run(["stripe", "replay"], path)).out).toMatch(/; 0 were new to the inbox\./);
  });
});
