import { ROLES } from "@folio/db";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { PERMISSIONS, can } from "../permissions.ts";
import { setup } from "../test/helpers.ts";
import type { Access, Meta } from "../trpc.ts";
import { appRouter } from "./_app.ts";

// Every procedure must say who may call it. This enumerates the real router, so a procedure
// added later without a rule fails here.
const procedures = Object.entries(appRouter._def.procedures as Record<string, unknown>).map(
  ([path, procedure]) => {
    const def = (procedure as { _def: { meta?: Meta } })._def;
    return { path, access: def.meta?.access };
  },
);

function isValidAccess(access: Access | undefined): boolean {
  if (access === "public" || access === "authenticated" || access === "customer") return true;
  return typeof access === "object" && access.permission in PERMISSIONS;
}

async function call(caller: unknown, path: string): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as never)[key], caller);
  return (fn as (input?: unknown) => Promise<unknown>)(undefined);
}

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    return err instanceof TRPCError ? err.code : "NOT_A_TRPC_ERROR";
  }
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
    const { caller } = setup();
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
    const { caller } = setup();
    const user = { id: "u1", email: "u1@example.com", name: "U", role };
    expect(await codeOf(call(caller(user), path))).toBe("FORBIDDEN");
  });
});
