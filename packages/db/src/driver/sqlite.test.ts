import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closeDb, createDb, withTransaction, writeCourtesyState } from "../index.ts";
import { users } from "../schema/index.ts";

const user = (id: string) => ({
  id,
  email: `${id}@example.com`,
  name: id,
  passwordHash: "x",
  createdAt: new Date(),
  updatedAt: new Date(),
});

describe("write courtesy between connections of one process (SQLite)", () => {
  it("lets the announcing side wait out a writer's transaction without blocking its event loop", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "folio-courtesy-")), "test.db");
    const state = writeCourtesyState();
    const main = await createDb({ dialect: "sqlite", path, announceWrites: state });
    const writer = await createDb({ dialect: "sqlite", path, yieldTo: state });
    try {
      // The writer holds SQLite's write lock until this event loop's next check phase. A main
      // connection whose BEGIN slept in SQLite's busy handler would keep that phase from coming:
      // both would stall until busy_timeout (5 s), and the BEGIN would fail.
      let writerHasLock!: () => void;
      const locked = new Promise<void>((resolve) => (writerHasLock = resolve));
      const writing = withTransaction(writer, async (tx) => {
        await tx.insert(users).values(user("w"));
        writerHasLock();
        await new Promise((resolve) => setImmediate(resolve));
      });
      await locked;

      const started = Date.now();
      await withTransaction(main, (tx) => tx.insert(users).values(user("m")));
      expect(Date.now() - started).toBeLessThan(1_000);
      await writing;
      expect((await main.select({ id: users.id }).from(users)).map((r) => r.id).sort()).toEqual([
        "m",
        "w",
      ]);
    } finally {
      await closeDb(main);
      await closeDb(writer);
    }
  });
});
