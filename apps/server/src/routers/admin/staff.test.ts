import { sessions, users } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, validateSessionToken } from "../../auth/session.ts";
import { insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("admin.staff.list", () => {
  it("pages through staff (not customers) oldest first with an opaque cursor", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin", { createdAt: new Date(Date.UTC(2026, 0, 1)) });
    await insertUser(db, "customer", { createdAt: new Date(Date.UTC(2026, 0, 2)) });
    // Two staff created in the same millisecond must both appear exactly once.
    const same = new Date(Date.UTC(2026, 0, 3));
    const s1 = await insertUser(db, "support", { createdAt: same });
    const s2 = await insertUser(db, "finance", { createdAt: same });
    const f = await insertUser(db, "fulfillment", { createdAt: new Date(Date.UTC(2026, 0, 4)) });

    const api = caller(admin).admin.staff;
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
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const page = await caller(admin).admin.staff.list();
    expect(page).toEqual({ items: [expect.objectContaining({ id: admin.id })], nextCursor: null });
  });

  it("filters by role, disabled and a search in email or name, any case", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin", { email: "boss@example.com", name: "The Boss" });
    const ann = await insertUser(db, "support", { email: "ann@example.com", name: "Ann Lee" });
    const off = await insertUser(db, "support", { email: "bo@example.com", disabled: true });
    const pct = await insertUser(db, "finance", { email: "fin_100%@example.com", name: "Fin" });
    await insertUser(db, "customer", { email: "ann.customer@example.com", name: "Ann C" });

    const ids = async (input: Parameters<ReturnType<typeof caller>["admin"]["staff"]["list"]>[0]) =>
      (await caller(admin).admin.staff.list(input)).items.map((i) => i.id).sort();
    expect(await ids({ role: "support" })).toEqual([ann.id, off.id].sort());
    expect(await ids({ disabled: true })).toEqual([off.id]);
    expect(await ids({ disabled: false, role: "support" })).toEqual([ann.id]);
    expect(await ids({ search: "ANN" })).toEqual([ann.id]);
    expect(await ids({ search: "boss" })).toEqual([admin.id]);
    // LIKE wildcards in the search are literal characters.
    expect(await ids({ search: "_100%" })).toEqual([pct.id]);
    expect(await ids({ search: "%" })).toEqual([pct.id]);
  });

  it("sorts by email either way and pages within that order", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin", { email: "m@example.com" });
    const a = await insertUser(db, "support", { email: "a@example.com" });
    const z = await insertUser(db, "support", { email: "z@example.com" });
    const api = caller(admin).admin.staff;

    const desc = { by: "email", direction: "desc" } as const;
    const first = await api.list({ limit: 2, sort: desc });
    expect(first.items.map((i) => i.id)).toEqual([z.id, admin.id]);
    const second = await api.list({ limit: 2, sort: desc, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((i) => i.id)).toEqual([a.id]);

    // A cursor made under one order is refused under another instead of being misread.
    const err = await codeOf(api.list({ limit: 2, cursor: first.nextCursor ?? undefined }));
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("rejects a forged cursor with BAD_REQUEST and says to start again", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    for (const cursor of ["bm90LWEtY3Vyc29y", "createdAt.asc.bm90LWEtY3Vyc29y"]) {
      const err = await codeOf(caller(admin).admin.staff.list({ cursor }));
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toMatch(/first page/);
    }
  });
});

describe("admin.staff.setDisabled", () => {
  it("disables a staff account, ending its sessions, audits it with reason and IP, and re-enables it", async () => {
    const { db, clock, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const support = await insertUser(db, "support");
    const { token } = await createSession(db, clock, support.id);
    const api = caller(admin, { ip: "203.0.113.5" }).admin;

    expect(
      await api.staff.setDisabled({ userId: support.id, disabled: true, reason: " left " }),
    ).toEqual({ id: support.id, disabled: true, changed: true, sessionsEnded: 1 });
    expect(await validateSessionToken(db, clock, token)).toBeNull();
    expect(await db.select().from(sessions)).toHaveLength(0);

    await api.staff.setDisabled({ userId: support.id, disabled: false });
    const row = await db.select().from(users).where(eq(users.id, support.id)).get();
    expect(row?.disabled).toBe(false);

    const log = await api.audit.list({ target: `user:${support.id}` });
    expect(
      log.items.map((e) => [e.actorType, e.actorId, e.action, e.reason, e.ip, e.before, e.after]),
    ).toEqual([
      [
        "staff",
        admin.id,
        "staff.enabled",
        null,
        "203.0.113.5",
        { disabled: true },
        { disabled: false },
      ],
      [
        "staff",
        admin.id,
        "staff.disabled",
        "left",
        "203.0.113.5",
        { disabled: false },
        { disabled: true },
      ],
    ]);
  });

  it("refuses to disable yourself, the last admin, or a customer, and changes nothing", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const customer = await insertUser(db, "customer");
    const self = await codeOf(
      caller(admin).admin.staff.setDisabled({ userId: admin.id, disabled: true }),
    );
    expect(self.code).toBe("PRECONDITION_FAILED");
    const other = await codeOf(
      caller(admin).admin.staff.setDisabled({ userId: customer.id, disabled: true }),
    );
    expect(other.code).toBe("NOT_FOUND");
    // Another admin may not disable the only enabled admin either (the caller is not an admin
    // row here, as after a role change in another session).
    const stale = { ...admin, id: "someone-else" };
    const last = await codeOf(
      caller(stale).admin.staff.setDisabled({ userId: admin.id, disabled: true }),
    );
    expect(last.code).toBe("PRECONDITION_FAILED");
    expect((await db.select().from(users)).every((u) => !u.disabled)).toBe(true);
    expect(await caller(admin).admin.audit.list()).toEqual({ items: [], nextCursor: null });
  });
});

describe("admin.staff.setRole", () => {
  it("changes a staff role, audited, and refuses your own role and the customer role", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const support = await insertUser(db, "support");
    const api = caller(admin).admin;

    expect(
      await api.staff.setRole({ userId: support.id, role: "finance", reason: "moved team" }),
    ).toEqual({ id: support.id, role: "finance", changed: true });
    expect((await db.select().from(users).where(eq(users.id, support.id)).get())?.role).toBe(
      "finance",
    );
    const [entry] = (await api.audit.list({ action: "staff.role_changed" })).items;
    expect(entry).toMatchObject({
      actorId: admin.id,
      target: `user:${support.id}`,
      before: { role: "support" },
      after: { role: "finance" },
      reason: "moved team",
    });

    expect((await codeOf(api.staff.setRole({ userId: admin.id, role: "support" }))).code).toBe(
      "PRECONDITION_FAILED",
    );
    const customerRole = await codeOf(
      api.staff.setRole({ userId: support.id, role: "customer" as never }),
    );
    expect(customerRole.code).toBe("BAD_REQUEST");
  });
});

describe("admin.staff.create", () => {
  it("creates a staff account that can sign in with its role, audited as the admin", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const api = caller(admin, { ip: "198.51.100.9" }).admin;
    const created = await api.staff.create({
      email: " Flo@Folio.Test ",
      name: "Flo Fulfilment",
      role: "fulfillment",
      password: "a-long-initial-password",
    });
    expect(created).toEqual({
      id: expect.any(String) as string,
      email: "flo@folio.test",
      name: "Flo Fulfilment",
      role: "fulfillment",
    });
    const signedIn = await caller(null).auth.signIn({
      email: "flo@folio.test",
      password: "a-long-initial-password",
    });
    expect(signedIn.user).toMatchObject({ id: created.id, role: "fulfillment" });
    const [entry] = (await api.audit.list({ action: "staff.created" })).items;
    expect(entry).toMatchObject({
      actorId: admin.id,
      target: `user:${created.id}`,
      before: null,
      after: { email: "flo@folio.test", name: "Flo Fulfilment", role: "fulfillment" },
      ip: "198.51.100.9",
    });
  });

  it("refuses a taken e-mail, a short password and the customer role, writing nothing", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin", { email: "ada@folio.test" });
    const api = caller(admin).admin.staff;
    const base = { email: "new@folio.test", name: "New", role: "support" as const };
    const taken = await codeOf(
      api.create({ ...base, email: "ADA@folio.test", password: "long-enough-pw" }),
    );
    expect(taken).toMatchObject({
      code: "CONFLICT",
      message: "An account with ada@folio.test already exists.",
    });
    const short = await codeOf(api.create({ ...base, password: "short" }));
    expect(short.code).toBe("BAD_REQUEST");
    expect(short.message).toMatch(/Use at least 10 characters/);
    const customer = await codeOf(
      api.create({ ...base, role: "customer" as never, password: "long-enough-pw" }),
    );
    expect(customer.code).toBe("BAD_REQUEST");
    expect(await db.select().from(users)).toHaveLength(1);
  });
});
