import { ROLES, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { PERMISSIONS, can } from "../permissions.ts";
import { codeOf, setup } from "../test/helpers.ts";
import type { Access, Meta } from "../trpc.ts";
import { appRouter } from "./_app.ts";

// Every procedure must say who may call it. This enumerates the real router, so a procedure
// added later without a rule fails here.
const procedures = Object.entries(appRouter._def.procedures as Record<string, unknown>).map(
  ([path, procedure]) => {
    const def = (procedure as { _def: { meta?: Meta; inputs: unknown[] } })._def;
    return { path, access: def.meta?.access, inputs: def.inputs };
  },
);

// Refusals happen before any query; one database serves the whole file.
let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(dropTestDatabases);

function isValidAccess(access: Access | undefined): boolean {
  if (access === "public" || access === "authenticated" || access === "customer") return true;
  return typeof access === "object" && access.permission in PERMISSIONS;
}

async function call(caller: unknown, path: string): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as never)[key], caller);
  return (fn as (input?: unknown) => Promise<unknown>)(undefined);
}

describe("app router access rules", () => {
  it("has procedures to check", () => {
    expect(procedures.length).toBeGreaterThan(0);
    expect(procedures.map((p) => p.path)).toContain("auth.me");
  });

  it.each(procedures)("$path declares an explicit access rule", ({ access }) => {
    expect(isValidAccess(access)).toBe(true);
  });

  const guarded = procedures.filter((p) => p.access !== "public");

  it.each(guarded)("$path refuses callers without a session (UNAUTHORIZED)", async ({ path }) => {
    const { caller } = await setup({ db });
    expect(await codeOf(call(caller(), path))).toBe("UNAUTHORIZED");
  });

  const forbiddenCases = procedures.flatMap(({ path, access }) =>
    ROLES.filter((role) => {
      if (access === "customer") return role !== "customer";
      if (typeof access === "object") return !can(role, access.permission);
      return false;
    }).map((role) => ({ path, role })),
  );

  it.each(forbiddenCases)("$path refuses role $role (FORBIDDEN)", async ({ path, role }) => {
    const { caller } = await setup({ db });
    const user = { id: "u1", email: "u1@example.com", name: "U", role };
    expect(await codeOf(call(caller(user), path))).toBe("FORBIDDEN");
  });
});

describe("routers by audience", () => {
  it("puts every procedure under auth, account, catalog, portal or admin", () => {
    // `account.*` is the signed-in user's own account, for customers and staff alike.
    for (const { path } of procedures) {
      expect(path).toMatch(/^(auth|account|catalog|portal|admin)\./);
    }
  });

  // What Folio sells is public (the pricing page works signed out); nothing else is there.
  it.each(procedures.filter((p) => p.path.startsWith("catalog.")))(
    "$path is a public read",
    ({ access, inputs }) => {
      expect(access).toBe("public");
      expect(inputs).toEqual([]);
    },
  );

  const portal = procedures.filter((p) => p.path.startsWith("portal."));
  const admin = procedures.filter((p) => p.path.startsWith("admin."));

  it("has procedures on both sides", () => {
    expect(portal.map((p) => p.path)).toContain("portal.subscription.overview");
    expect(admin.map((p) => p.path)).toContain("admin.staff.list");
  });

  it.each(portal)("$path is for customers only", ({ access }) => {
    expect(access).toBe("customer");
  });

  // Portal procedures act on ctx.user; an input naming an account would let one customer (or a
  // staff user) aim them at someone else.
  it.each(portal)("$path takes no account ids", ({ inputs }) => {
    const keys = inputs.flatMap((schema) => {
      const shape = (schema as Partial<z.ZodObject>).shape;
      return shape ? Object.keys(shape) : [];
    });
    expect(keys.filter((k) => /^(user|customer|account|email)(id)?$/i.test(k))).toEqual([]);
  });

  it.each(admin)("$path needs a staff permission", ({ access }) => {
    expect(typeof access === "object" && access.permission in PERMISSIONS).toBe(true);
  });

  it.each(admin)("$path refuses a signed-in customer (FORBIDDEN)", async ({ path }) => {
    const { caller } = await setup({ db });
    const customer = { id: "c1", email: "c1@example.com", name: "C", role: "customer" as const };
    expect(await codeOf(call(caller(customer), path))).toBe("FORBIDDEN");
  });

  it.each(portal)(
    "$path refuses every staff role, admin included (FORBIDDEN)",
    async ({ path }) => {
      const { caller } = await setup({ db });
      for (const role of ROLES.filter((r) => r !== "customer")) {
        const staff = { id: "s1", email: "s1@example.com", name: "S", role };
        expect(await codeOf(call(caller(staff), path))).toBe("FORBIDDEN");
      }
    },
  );
});
