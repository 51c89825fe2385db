import { describe, expect, it } from "vitest";
import { homeFor, safeRedirect, validateAuthSearch } from "@/features/auth/destinations";

describe("safeRedirect", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeRedirect("/admin/staff")).toBe("/admin/staff");
    expect(safeRedirect("/billing/invoices?page=2")).toBe("/billing/invoices?page=2");
  });

  it.each([
    ["absolute URL", "https://evil.example/phish"],
    ["protocol-relative URL", "//evil.example"],
    ["backslash trick", "/\\evil.example"],
    ["javascript URL", "javascript:alert(1)"],
    ["relative path", "admin"],
    ["non-string", 42],
  ])("drops a %s", (_label, value) => {
    expect(safeRedirect(value)).toBeUndefined();
  });

  it("sanitises the sign-in page's search params", () => {
    expect(validateAuthSearch({ redirect: "//evil.example" })).toEqual({ redirect: undefined });
    expect(validateAuthSearch({ redirect: "/admin" })).toEqual({ redirect: "/admin" });
    expect(validateAuthSearch({ redirect: "/sign-in?redirect=%2Fadmin" })).toEqual({
      redirect: undefined,
    });
    expect(validateAuthSearch({ redirect: "/sign-up" })).toEqual({ redirect: undefined });
    expect(validateAuthSearch({ redirect: "/sign-ins-report" })).toEqual({
      redirect: "/sign-ins-report",
    });
  });
});

describe("homeFor", () => {
  it("sends customers to billing and every staff role to the admin console", () => {
    expect(homeFor("customer")).toBe("/billing");
    for (const role of ["support", "fulfillment", "finance", "admin"] as const) {
      expect(homeFor(role)).toBe("/admin");
    }
  });
});
