import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, users, webhookEvents } from "@folio/db";
import { afterEach, describe, expect, it } from "vitest";
import { verifyPassword } from "./auth/password.ts";
import { runCli } from "./cli.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "folio-cli-"));
  dirs.push(dir);
  return join(dir, "folio.db");
}

async function run(argv: string[], dbPath: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    source: { DATABASE_PATH: dbPath, NODE_ENV: "test" },
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("folio CLI", () => {
  it("lists commands with --help", async () => {
    const { code, out } = await run(["--help"], tempDb());
    expect(code).toBe(0);
    for (const name of ["migrate", "user:create", "user:disable", "user:enable"]) {
      expect(out).toContain(name);
    }
  });

  it("migrate creates the database file", async () => {
    const path = tempDb();
    const { code, out } = await run(["migrate"], path);
    expect(code).toBe(0);
    expect(out).toContain(path);
    const db = createDb(path);
    expect(db.select().from(users).all()).toEqual([]);
    db.$client.close();
  });

  it("user:create makes a staff user with a generated, printed password", async () => {
    const path = tempDb();
    const { code, out } = await run(
      ["user:create", "--email", "Ops@Example.com", "--role", "support"],
      path,
    );
    expect(code).toBe(0);
    const password = /Password: (\S+)/.exec(out)?.[1] ?? "";
    expect(password).toHaveLength(24);

    const db = createDb(path);
    const row = db.select().from(users).get();
    db.$client.close();
    expect(row).toMatchObject({ email: "ops@example.com", name: "ops", role: "support" });
    expect(await verifyPassword(row?.passwordHash ?? "", password)).toBe(true);

    const again = await run(["user:create", "--email", "ops@example.com", "--role", "admin"], path);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it.each([
    [["user:create", "--email", "a@example.com"], /--role is required/],
    [["user:create", "--email", "a@example.com", "--role", "boss"], /Use one of: customer/],
    [["user:create", "--email", "bad", "--role", "admin"], /valid email/],
    [
      ["user:create", "--email", "a@example.com", "--role", "admin", "--password", "short"],
      /at least 10/,
    ],
    [["user:create", "--nope"], /Unknown option/],
    [["user:disable", "--email", "ghost@example.com"], /No user with email/],
    [["frobnicate"], /Unknown command/],
  ])("refuses %j with a clear message and exit code 1", async (argv, message) => {
    const { code, err } = await run(argv, tempDb());
    expect(code).toBe(1);
    expect(err).toMatch(message);
  });

  it("user:disable and user:enable toggle the flag", async () => {
    const path = tempDb();
    await run(
      [
        "user:create",
        "--email",
        "f@example.com",
        "--role",
        "finance",
        "--password",
        "long-enough-pw",
      ],
      path,
    );
    expect((await run(["user:disable", "--email", "f@example.com"], path)).code).toBe(0);
    let db = createDb(path);
    expect(db.select().from(users).get()?.disabled).toBe(true);
    db.$client.close();
    expect((await run(["user:enable", "--email", "f@example.com"], path)).code).toBe(0);
    db = createDb(path);
    expect(db.select().from(users).get()?.disabled).toBe(false);
    db.$client.close();
  });

  it("webhooks prune applies the retention windows it is given", async () => {
    const path = tempDb();
    const db = createDb(path);
    const day = 24 * 60 * 60 * 1000;
    const event = (id: string, status: "applied" | "dead", daysAgo: number) => ({
      id,
      type: "customer.updated",
      created: new Date(Date.now() - daysAgo * day),
      livemode: false,
      payload: JSON.stringify({ id, object: "event" }),
      status,
      receivedAt: new Date(Date.now() - daysAgo * day),
    });
    db.insert(webhookEvents)
      .values([
        event("evt_ancient", "applied", 100),
        event("evt_old", "applied", 20),
        event("evt_dead", "dead", 100),
        event("evt_recent", "applied", 1),
      ])
      .run();

    const { code, out } = await run(["webhooks", "prune", "--payload-days", "10"], path);
    expect(code).toBe(0);
    expect(out).toContain("Pruned 1 payload(s) older than 10 day(s) and deleted 1 event(s)");
    const rows = db
      .select({ id: webhookEvents.id, payload: webhookEvents.payload })
      .from(webhookEvents)
      .orderBy(webhookEvents.id)
      .all();
    db.$client.close();
    expect(rows).toEqual([
      { id: "evt_dead", payload: JSON.stringify({ id: "evt_dead", object: "event" }) },
      { id: "evt_old", payload: "{}" },
      { id: "evt_recent", payload: JSON.stringify({ id: "evt_recent", object: "event" }) },
    ]);

    const bad = await run(["webhooks", "prune", "--id-days", "soon"], path);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("--id-days");
  });
});
