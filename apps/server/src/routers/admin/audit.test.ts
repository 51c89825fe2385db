import { auditLog, type ActorType, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import type { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

const T0 = Date.UTC(2026, 0, 1);

async function row(
  db: Db,
  fields: { actorType: ActorType; actorId: string; action: string; target: string; atMs: number },
) {
  await db.insert(auditLog).values({
    actorType: fields.actorType,
    actorId: fields.actorId,
    action: fields.action,
    target: fields.target,
    before: { disabled: false },
    after: { disabled: true },
    reason: "left the company",
    ip: "203.0.113.7",
    at: new Date(fields.atMs),
  });
}

describe("admin.audit.list", () => {
  it("pages newest first (same-millisecond rows exactly once) and filters", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    await row(db, {
      actorType: "staff",
      actorId: "u_admin",
      action: "staff.disabled",
      target: "user:u_1",
      atMs: T0,
    });
    await row(db, {
      actorType: "staff",
      actorId: "u_admin",
      action: "staff.enabled",
      target: "user:u_1",
      atMs: T0 + 1000,
    });
    await row(db, {
      actorType: "operator",
      actorId: "root",
      action: "staff.created",
      target: "user:u_2",
      atMs: T0 + 1000,
    });
    await row(db, {
      actorType: "sync",
      actorId: "evt_1",
      action: "order.created",
      target: "order:o_1",
      atMs: T0 + 2000,
    });

    const api = caller(admin).admin.audit;
    const first = await api.list({ limit: 2 });
    expect(first.items[0]).toEqual({
      id: expect.any(Number) as unknown,
      actorType: "sync",
      actorId: "evt_1",
      actorName: null,
      actorEmail: null,
      action: "order.created",
      target: "order:o_1",
      before: { disabled: false },
      after: { disabled: true },
      reason: "left the company",
      ip: "203.0.113.7",
      at: new Date(T0 + 2000).toISOString(),
    });
    const second = await api.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    const actions = [...first.items, ...second.items].map((i) => i.action);
    expect(actions).toHaveLength(4);
    expect(new Set(actions).size).toBe(4);
    expect(actions[0]).toBe("order.created");
    expect(actions[3]).toBe("staff.disabled");
    expect(second.nextCursor).toBeNull();

    const actionsOf = async (input: Parameters<typeof api.list>[0]) =>
      (await api.list(input)).items.map((i) => i.action).sort();
    expect(await actionsOf({ actorType: "staff" })).toEqual(["staff.disabled", "staff.enabled"]);
    expect(await actionsOf({ actor: "root" })).toEqual(["staff.created"]);
    expect(await actionsOf({ action: "staff.*" })).toEqual([
      "staff.created",
      "staff.disabled",
      "staff.enabled",
    ]);
    expect(await actionsOf({ action: "staff.enabled" })).toEqual(["staff.enabled"]);
    expect(await actionsOf({ target: "user:u_1" })).toEqual(["staff.disabled", "staff.enabled"]);
    expect(await actionsOf({ target: "order:" })).toEqual(["order.created"]);
    // `_` in a target prefix is a character, not LIKE's any-one wildcard.
    expect(await actionsOf({ target: "user_" })).toEqual([]);
  });

  it("names user actors, finds them by e-mail, and keeps to a date range (UTC days, inclusive)", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin", { email: "ada@folio.test", name: "Ada" });
    const DAY = 24 * 60 * 60 * 1000;
    await row(db, {
      actorType: "staff",
      actorId: admin.id,
      action: "a.first",
      target: "t:1",
      atMs: T0 - 1,
    });
    await row(db, {
      actorType: "staff",
      actorId: admin.id,
      action: "a.second",
      target: "t:1",
      atMs: T0,
    });
    await row(db, {
      actorType: "staff",
      actorId: admin.id,
      action: "a.third",
      target: "t:1",
      atMs: T0 + DAY - 1,
    });
    await row(db, {
      actorType: "staff",
      actorId: admin.id,
      action: "a.fourth",
      target: "t:1",
      atMs: T0 + DAY,
    });
    // An operator whose OS user name happens to equal a user id is not that user.
    await row(db, {
      actorType: "operator",
      actorId: admin.id,
      action: "a.cli",
      target: "t:1",
      atMs: T0,
    });

    const api = caller(admin).admin.audit;
    const all = await api.list({ actor: "ADA@folio.test" });
    expect(all.items.map((i) => [i.action, i.actorName, i.actorEmail])).toEqual([
      ["a.fourth", "Ada", "ada@folio.test"],
      ["a.third", "Ada", "ada@folio.test"],
      ["a.cli", null, null],
      ["a.second", "Ada", "ada@folio.test"],
      ["a.first", "Ada", "ada@folio.test"],
    ]);
    expect((await api.list({ actor: "nobody@folio.test" })).items).toEqual([]);
    const day = await api.list({ actorType: "staff", from: "2026-01-01", to: "2026-01-01" });
    expect(day.items.map((i) => i.action)).toEqual(["a.third", "a.second"]);
    expect((await api.list({ from: "2026-01-02" })).items.map((i) => i.action)).toEqual([
      "a.fourth",
    ]);

    expect(await codeOf(api.list({ from: "2026-01-02", to: "2026-01-01" }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.list({ from: "yesterday" }))).toBe("BAD_REQUEST");
  });

  it("is for admins only", async () => {
    const { db, caller } = await setup();
    const support = await insertUser(db, "support");
    const err = await caller(support)
      .admin.audit.list()
      .catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("FORBIDDEN");
  });
});
