import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { closeDb, createDb, isUniqueViolation, users } from "./index.ts";

describe("createDb on SQLite", () => {
  it("applies migrations and the pragmas Folio relies on", async () => {
    const db = await createDb(join(mkdtempSync(join(tmpdir(), "folio-db-")), "test.db"));
    expect(await db.get(sql`pragma journal_mode`)).toEqual(["wal"]);
    expect(await db.get(sql`pragma foreign_keys`)).toEqual([1]);
    expect(await db.get(sql`pragma synchronous`)).toEqual([1]);
    expect(await db.get(sql`pragma wal_autocheckpoint`)).toEqual([1000]);
    expect(await db.select().from(users)).toEqual([]);
    await closeDb(db);
  });

  it("checkpoints the WAL every checkpointPages pages, or leaves it to others with 0", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "folio-db-")), "test.db");
    for (const pages of [0, 10_000]) {
      const db = await createDb({ dialect: "sqlite", path, checkpointPages: pages });
      expect(await db.get(sql`pragma wal_autocheckpoint`)).toEqual([pages]);
      await closeDb(db);
    }
    await expect(createDb({ dialect: "sqlite", path, checkpointPages: -1 })).rejects.toThrow(
      "checkpointPages must be a whole number ≥ 0, got -1",
    );
  });

  it("enforces unique emails", async () => {
    const db = await createDb(":memory:");
    const row = {
      id: "u1",
      email: "a@example.com",
      name: "A",
      passwordHash: "x",
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await db.insert(users).values(row);
    await expect(db.insert(users).values({ ...row, id: "u2" })).rejects.toSatisfy(
      isUniqueViolation,
    );
    await closeDb(db);
  });
});
