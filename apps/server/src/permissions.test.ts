import { ROLES, type Db, type Role } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, PERMISSION_NAMES, permissionsFor, type Permission } from "./permissions.ts";
import { appRouter } from "./routers/_app.ts";
import { codeOf, setup } from "./test/helpers.ts";
import type { Meta } from "./trpc.ts";

// The matrix written out independently of PERMISSIONS, so a change to either is a visible diff.
const EXPECTED: Record<Permission, Role[]> = {
  "home.read": ["support", "fulfillment", "finance", "admin"],
  "customers.read": ["support", "finance", "admin"],
  "customers.resync": ["support", "finance", "admin"],
  "orders.read": ["support", "finance", "admin"],
  "orders.fulfill": ["fulfillment", "admin"],
  "refunds.read": ["support", "finance", "admin"],
  "refunds.create": ["support", "finance", "admin"],
  "credits.grant": ["support", "finance", "admin"],
  "wallets.read": ["support", "finance", "admin"],
  "approvals.decide": ["finance", "admin"],
  "webhooks.read": ["support", "admin"],
  "webhooks.retry": ["admin"],
  "jobs.read": ["support", "admin"],
  "jobs.retry": ["admin"],
  "webhookEndpoints.read": ["admin"],
  "webhookEndpoints.manage": ["admin"],
  "metrics.read": ["finance", "admin"],
  "metrics.close": ["finance", "admin"],
  "staff.manage": ["admin"],
  "audit.read": ["admin"],
  "mail.read": ["admin"],
  "settings.manage": ["admin"],
  "apiKeys.manage": ["admin"],
};

describe("permission matrix", () => {
  it("lists exactly the expected permissions", () => {
    expect([...PERMISSION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = PERMISSION_NAMES.flatMap((permission) =>
    ROLES.map((role) => ({ permission, role, allowed: EXPECTED[permission].includes(role) })),
  );
  it.each(cases)("$role → $permission: $allowed", ({ role, permission, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it("gives admin every permission and customers none", () => {
    expect(permissionsFor("admin")).toEqual(PERMISSION_NAMES);
    expect(permissionsFor("customer")).toEqual([]);
  });

  it("lists a role's permissions in matrix order", () => {
    expect(permissionsFor("finance")).toEqual([
      "home.read",
      "customers.read",
      "customers.resync",
      "orders.read",
      "refunds.read",
      "refunds.create",
      "credits.grant",
      "wallets.read",
      "approvals.decide",
      "metrics.read",
      "metrics.close",
    ]);
    expect(permissionsFor("fulfillment")).toEqual(["home.read", "orders.fulfill"]);
  });
});

// Every admin procedure, found in the router itself (so new ones are covered without editing
// this file), called as every role: refused with FORBIDDEN exactly when the matrix says so.
// An allowed call gets past the access check and then fails on its empty input or runs.
describe("every admin procedure × every role", () => {
  const admin = Object.entries(appRouter._def.procedures as Record<string, unknown>)
    .filter(([path]) => path.startsWith("admin."))
    .map(([path, procedure]) => {
      const access = (procedure as { _def: { meta?: Meta } })._def.meta?.access;
      return { path, permission: typeof access === "object" ? access.permission : null };
    });

  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(dropTestDatabases);

  it("finds the admin procedures, each with a permission from the matrix", () => {
    expect(admin.map((p) => p.path)).toEqual(
      expect.arrayContaining(["admin.staff.list", "admin.audit.list", "admin.staff.create"]),
    );
    for (const { path, permission } of admin) {
      expect(permission && PERMISSION_NAMES.includes(permission), path).toBe(true);
    }
  });

  const cases = admin.flatMap(({ path, permission }) =>
    ROLES.map((role) => ({ path, role, allowed: permission !== null && can(role, permission) })),
  );

  it.each(cases)("$path as $role: allowed $allowed", async ({ path, role, allowed }) => {
    const { caller } = await setup({ db });
    const user = { id: `u_${role}`, email: `${role}@example.com`, name: role, role };
    const fn = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller(user));
    const code = await codeOf((fn as (input?: unknown) => Promise<unknown>)(undefined));
    if (allowed) {
      expect(code).not.toBe("FORBIDDEN");
      expect(code).not.toBe("UNAUTHORIZED");
    } else {
      expect(code).toBe("FORBIDDEN");
    }
  });
});
