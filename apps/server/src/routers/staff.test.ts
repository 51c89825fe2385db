import { sessions, users } from "@folio/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createSession, validateSessionToken } from "../auth/session.ts";
import { insertUser, setup } from "../test/helpers.ts";

describe("staff.list", () => {
  it("pages through staff (not customers) oldest first with an opaque cursor", async () => {
    const { db, caller } = setup();
    const admin = await insertUser(db, "admin", { createdAt: new Date(Date.UTC(2026, 0, 1)) });
    await insertUser(db, "customer", { createdAt: new Date(Date.UTC(2026, 0, 2)) });
    // Two staff created in the same millisecond must both appear exactly once.
    const same = new Date(Date.UTC(2026, 0, 3));
    const s1 = await insertUser(db, "support", { createdAt: same });
    const s2 = await insertUser(db, "finance", { createdAt: same });
    const f = await insertUser(db, "fulfillment", { createdAt: new Date(Date.UTC(2026, 0, 4)) });

    const api = caller(admin).staff;
    const first = await api.list({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([admin.id, ...[s1.id, s2.id].sort()].slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await api.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items].map((i) => i.id);
    expect(all).toEqual([admin.id, ...[s1.id, s2.id].sort(), f.id]);

    expect(first.items[0]).toEqual({
      id: admin.id,
      email: admin.email,
      name: admin.name,
      role: "admin",
      disabled: false,
      createdAt: "2026-01-01T00:00:00.000Z",
    });
  });

  it("defaults the input and reports the last page", async () => {
    const { db, caller } = setup();
    const admin = await insertUser(db, "admin");
    const page = await caller(admin).staff.list();
    expect(page).toEqual({ items: [expect.objectContaining({ id: admin.id })], nextCursor: null });
  });

  it("rejects a forged cursor with BAD_REQUEST", async () => {
    const { db, caller } = setup();
    const admin = await insertUser(db, "admin");
    const err = await caller(admin)
      .staff.list({ cursor: "bm90LWEtY3Vyc29y" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect((err as TRPCError).message).toMatch(/first page/);
  });
});

describe("staff.setDisabled", () => {
  it("disables a staff account, ending its sessions, and re-enables it", async () => {
    const { db, clock, caller } = setup();
    const admin = await insertUser(db, "admin");
    const support = await insertUser(db, "support");
    const { token } = createSession(db, clock, support.id);

    expect(await caller(admin).staff.setDisabled({ userId: support.id, disabled: true })).toEqual({
      id: support.id,
      disabled: true,
    });
    expect(validateSessionToken(db, clock, token)).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);

    await caller(admin).staff.setDisabled({ userId: support.id, disabled: false });
    expect(db.select().from(users).where(eq(users.id, support.id)).get()?.disabled).toBe(false);
  });

  it("refuses to disable yourself or to touch customers", async () => {
    const { db, caller } = setup();
    const admin = await insertUser(db, "admin");
    const customer = await insertUser(db, "customer");
    const self = await caller(admin)
      .staff.setDisabled({ userId: admin.id, disabled: true })
      .catch((e: unknown) => e);
    expect((self as TRPCError).code).toBe("PRECONDITION_FAILED");
    const other = await caller(admin)
      .staff.setDisabled({ userId: customer.id, disabled: true })
      .catch((e: unknown) => e);
    expect((other as TRPCError).code).toBe("NOT_FOUND");
    expect(
      db
        .select()
        .from(users)
        .all()
        .every((u) => !u.disabled),
    ).toBe(true);
  });
});
