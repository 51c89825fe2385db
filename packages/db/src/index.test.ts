import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDb, users } from "./index.ts";

describe("createDb", () => {
  it("applies migrations and the pragmas Folio relies on", () => {
    const db = createDb(join(mkdtempSync(join(tmpdir(), "folio-db-")), "test.db"));
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(1);
    expect(db.select().from(users).all()).toEqual([]);
    db.$client.close();
  });

  it("enforces unique emails", () => {
    const db = createDb(":memory:");
    const row = {
      id: "u1",
      email: "a@example.com",
      name: "A",
      passwordHash: "x",
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    db.insert(users).values(row).run();
    expect(() =>
      db
        .insert(users)
        .values({ ...row, id: "u2" })
        .run(),
    ).toThrow(/UNIQUE/);
  });
});
