import { verifyPassword } from "@folio/billing";
import { auditLog, closeDb, createDb, users, webhookEvents, type DatabaseConfig } from "@folio/db";
import { userInfo } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";
import { describeDatabase } from "./database.ts";
import { dropServerTestDatabases, serverTestDatabase } from "./test/server-db.ts";

afterAll(dropServerTestDatabases);

type TestDatabase = Awaited<ReturnType<typeof serverTestDatabase>>;

async function run(argv: string[], database?: TestDatabase) {
  const { env } = database ?? (await serverTestDatabase());
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    source: { ...env, NODE_ENV: "test" },
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Opens the CLI's database from the test, runs `fn`, closes it. */
async function inspect<T>(
  config: DatabaseConfig,
  fn: (db: Awaited<ReturnType<typeof createDb>>) => Promise<T>,
) {
  const db = await createDb(config);
  try {
    return await fn(db);
  } finally {
    await closeDb(db);
  }
}

describe("folio CLI", () => {
  it("lists commands with --help", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    for (const name of ["migrate", "user:create", "user:disable", "user:enable"]) {
      expect(out).toContain(name);
    }
  });

  it("migrate creates the database and says which", async () => {
    const database = await serverTestDatabase();
    const { code, out } = await run(["migrate"], database);
    expect(code).toBe(0);
    expect(out).toContain(describeDatabase(database.config));
    expect(await inspect(database.config, (db) => db.select().from(users))).toEqual([]);
  });

  it("migrate explains a database it cannot reach and exits 1", async () => {
    const { code, err } = await run(["migrate"], {
      env: { DATABASE_URL: "postgres://folio:s3cret@127.0.0.1:1/folio" },
      config: { dialect: "postgres", url: "postgres://folio:s3cret@127.0.0.1:1/folio" },
    });
    expect(code).toBe(1);
    expect(err).toContain("DATABASE_URL");
    expect(err).toContain("127.0.0.1:1");
    expect(err).not.toContain("s3cret");
  });

  it("user:create makes a staff user with a generated, printed password, audited as the operator", async () => {
    const database = await serverTestDatabase();
    const { code, out } = await run(
      ["user:create", "--email", "Ops@Example.com", "--role", "support"],
      database,
    );
    expect(code).toBe(0);
    const password = /Password: (\S+)/.exec(out)?.[1] ?? "";
    expect(password).toHaveLength(24);

    const [row, audit] = await inspect(database.config, async (db) => [
      await db.select().from(users).get(),
      await db.select().from(auditLog),
    ]);
    expect(row).toMatchObject({ email: "ops@example.com", name: "ops", role: "support" });
    expect(await verifyPassword(row?.passwordHash ?? "", password)).toBe(true);
    expect(audit).toEqual([
      expect.objectContaining({
        actorType: "operator",
        actorId: userInfo().username,
        action: "staff.created",
        target: `user:${row?.id}`,
      }),
    ]);

    const again = await run(
      ["user:create", "--email", "ops@example.com", "--role", "admin"],
      database,
    );
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
    const { code, err } = await run(argv);
    expect(code).toBe(1);
    expect(err).toMatch(message);
  });

  it("user:disable and user:enable toggle the flag, audited", async () => {
    const database = await serverTestDatabase();
    await run(["user:create", "--email", "f@example.com", "--role", "finance"], database);
    const disabled = await run(["user:disable", "--email", "f@example.com"], database);
    expect(disabled.code).toBe(0);
    expect(disabled.out).toMatch(/^Disabled f@example\.com and ended their 0 session/);
    const flag = () =>
      inspect(database.config, async (db) => {
        const rows = await db.select().from(users);
        return rows.find((u) => u.email === "f@example.com")?.disabled;
      });
    expect(await flag()).toBe(true);
    expect((await run(["user:enable", "--email", "f@example.com"], database)).code).toBe(0);
    expect(await flag()).toBe(false);
    const actions = await inspect(database.config, async (db) =>
      (await db.select().from(auditLog)).map((a) => a.action),
    );
    expect(actions).toEqual(["staff.created", "staff.disabled", "staff.enabled"]);
  });

  it("webhooks prune applies the retention windows it is given", async () => {
    const database = await serverTestDatabase();
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
    await inspect(database.config, (db) =>
      db
        .insert(webhookEvents)
        .values([
          event("evt_ancient", "applied", 100),
          event("evt_old", "applied", 20),
          event("evt_dead", "dead", 100),
          event("evt_recent", "applied", 1),
        ]),
    );

    const { code, out } = await run(["webhooks", "prune", "--payload-days", "10"], database);
    expect(code).toBe(0);
    expect(out).toContain("Pruned 1 payload(s) older than 10 day(s) and deleted 1 event(s)");
    const rows = await inspect(database.config, (db) =>
      db
        .select({ id: webhookEvents.id, payload: webhookEvents.payload })
        .from(webhookEvents)
        .orderBy(webhookEvents.id),
    );
    expect(rows).toEqual([
      { id: "evt_dead", payload: JSON.stringify({ id: "evt_dead", object: "event" }) },
      { id: "evt_old", payload: "{}" },
      { id: "evt_recent", payload: JSON.stringify({ id: "evt_recent", object: "event" }) },
    ]);

    const bad = await run(["webhooks", "prune", "--id-days", "soon"], database);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("--id-days");
  });
});
