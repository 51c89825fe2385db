import { afterAll, describe, expect, it } from "vitest";
import { closeDb, createDb, dialectOf, withTransaction } from "./client.ts";
import { users } from "./schema/index.ts";
import { createTestDb, dropTestDatabases, testDialect } from "./testing.ts";

afterAll(dropTestDatabases);

const user = (id: string) => ({
  id,
  email: `${id}@example.com`,
  name: id,
  passwordHash: "x",
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`createTestDb on ${testDialect()}`, () => {
  it("gives each test its own empty, migrated database on the run's dialect", async () => {
    const a = await createTestDb();
    const b = await createTestDb();
    expect(dialectOf(a)).toBe(testDialect());
    await a.insert(users).values(user("u1"));
    expect(await a.select({ id: users.id }).from(users)).toEqual([{ id: "u1" }]);
    expect(await b.select().from(users)).toEqual([]);
  });

  it("with { file: true }, returns a config another connection can open", async () => {
    const { db, config, path } = await createTestDb({ file: true });
    expect(path === undefined).toBe(testDialect() === "postgres");
    await db.insert(users).values(user("u1"));
    const other = await createDb(config);
    expect(await other.select({ id: users.id }).from(users)).toEqual([{ id: "u1" }]);
    await closeDb(other);
  });

  it("withTransaction rolls back everything when the callback throws", async () => {
    const db = await createTestDb();
    await expect(
      withTransaction(db, async (tx) => {
        await tx.insert(users).values(user("u1"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.select().from(users)).toEqual([]);
  });

  it("a statement outside an open transaction sees only what it committed", async () => {
    const db = await createTestDb();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const events: string[] = [];

    const tx = withTransaction(db, async (tx) => {
      await tx.insert(users).values(user("u1"));
      inserted();
      await gate;
      events.push("transaction done");
    });
    await insertedYet;
    let settled = false;
    const outside = db
      .select({ id: users.id })
      .from(users)
      .then((rows) => {
        settled = true;
        events.push("outside select");
        return rows;
      });

    if (testDialect() === "sqlite") {
      // One connection: the outside statement must wait for COMMIT, or it would run inside the
      // open transaction and see (or be rolled back with) its uncommitted writes.
      await tick(30);
      expect(settled).toBe(false);
      release();
      await tx;
      expect(await outside).toEqual([{ id: "u1" }]);
      expect(events).toEqual(["transaction done", "outside select"]);
    } else {
      // Its own pooled connection: it answers while the transaction is still open (were it to
      // wait, this would time out), and READ COMMITTED hides the uncommitted insert.
      expect(await outside).toEqual([]);
      expect(events).toEqual(["outside select"]);
      release();
      await tx;
      expect(await db.select({ id: users.id }).from(users)).toEqual([{ id: "u1" }]);
    }
  });

  // SQLite only: there every statement shares one connection and waits its turn; PostgreSQL
  // runs the read and the later transactions on connections of their own, in no set order.
  it.skipIf(testDialect() !== "sqlite")(
    "a statement waiting for the connection runs before transactions that came after it",
    async () => {
      const db = await createTestDb();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const order: string[] = [];
      const first = withTransaction(db, async (tx) => {
        await tx.insert(users).values(user("u1"));
        await gate;
      });
      await tick(5);
      const read = db
        .select({ id: users.id })
        .from(users)
        .then(() => order.push("read"));
      // A stream of later transactions must not keep the waiting read from its turn.
      const later = Array.from({ length: 5 }, (_, i) =>
        withTransaction(db, async (tx) => {
          await tx.insert(users).values(user(`u${i + 2}`));
          order.push(`tx ${i + 2}`);
        }),
      );
      release();
      await Promise.all([first, read, ...later]);
      expect(order.indexOf("read")).toBe(0);
    },
  );
});
