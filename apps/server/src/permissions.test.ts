import { ROLES, type Role } from "@folio/db";
import { describe, expect, it } from "vitest";
import { can, PERMISSION_NAMES, permissionsFor, type Permission } from "./permissions.ts";

// The matrix written out independently of PERMISSIONS, so a change to either is a visible diff.
const EXPECTED: Record<Permission, Role[]> = {
  "customers.read": ["support", "finance", "admin"],
  "customers.resync": ["support", "finance", "admin"],
  "orders.read": ["support", "finance", "admin"],
  "orders.fulfill": ["fulfillment", "admin"],
  "refunds.read": ["support", "finance", "admin"],
  "refunds.create": ["support", "finance", "admin"],
  "credits.grant": ["support", "finance", "admin"],
  "approvals.decide": ["finance", "admin"],
  "webhooks.read": ["support", "admin"],
  "webhooks.retry": ["admin"],
  "metrics.read": ["finance", "admin"],
  "metrics.close": ["finance", "admin"],
  "staff.manage": ["admin"],
  "audit.read": ["admin"],
  "settings.manage": ["admin"],
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
      "customers.read",
      "customers.resync",
      "orders.read",
      "refunds.read",
      "refunds.create",
      "credits.grant",
      "approvals.decide",
      "metrics.read",
      "metrics.close",
    ]);
    expect(permissionsFor("fulfillment")).toEqual(["orders.fulfill"]);
  });
});
