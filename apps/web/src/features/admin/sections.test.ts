import { describe, expect, it } from "vitest";
import { ADMIN_SECTIONS, sectionsFor } from "@/features/admin/sections";

const labels = (permissions: string[]) => sectionsFor(permissions).map((s) => s.label);

describe("sectionsFor", () => {
  it("shows only the sections whose permission the user holds, in sidebar order", () => {
    expect(labels(["webhooks.read", "customers.read", "orders.read", "refunds.create"])).toEqual([
      "Customers",
      "Orders",
      "Webhooks",
    ]);
  });

  it("shows nothing without permissions", () => {
    expect(labels([])).toEqual([]);
  });

  it("gives every section its own route and permission", () => {
    expect(new Set(ADMIN_SECTIONS.map((s) => s.to)).size).toBe(ADMIN_SECTIONS.length);
    expect(new Set(ADMIN_SECTIONS.map((s) => s.permission)).size).toBe(ADMIN_SECTIONS.length);
  });
});
