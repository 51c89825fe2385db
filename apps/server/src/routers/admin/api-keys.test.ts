import { apiKeys, auditLog } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

describe("admin.apiKeys", () => {
  it("shows a new key once, lists it by prefix only, and revokes it (audited)", async () => {
    const { db, caller } = await setup();
    const admin = caller(await insertUser(db, "admin"));
    const made = await admin.admin.apiKeys.create({
      name: "backend",
      scopes: ["usage:write", "usage:write"],
    });
    expect(made.key).toMatch(/^folio_sk_[\w-]{43}$/);
    expect(made.apiKey).toMatchObject({
      name: "backend",
      scopes: ["usage:write"],
      revokedAt: null,
    });
    expect(made.key.startsWith(made.apiKey.prefix)).toBe(true);

    const listed = await admin.admin.apiKeys.list();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    const [stored] = await db.select().from(apiKeys);
    expect(stored!.secretHash).not.toContain(made.key.slice(9));

    const revoked = await admin.admin.apiKeys.revoke({ id: made.apiKey.id });
    expect(revoked.revokedAt).not.toBeNull();
    const actions = (await db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("is for admins only", async () => {
    const { db, caller } = await setup();
    for (const role of ["support", "finance", "fulfillment"] as const) {
      const staff = caller(await insertUser(db, role));
      expect(await codeOf(staff.admin.apiKeys.list())).toBe("FORBIDDEN");
      expect(await codeOf(staff.admin.apiKeys.create({ name: "x", scopes: ["usage:write"] }))).toBe(
        "FORBIDDEN",
      );
    }
    expect(await codeOf(caller(await insertUser(db, "customer")).admin.apiKeys.list())).toBe(
      "FORBIDDEN",
    );
    expect(await db.select().from(apiKeys)).toEqual([]);
  });

  it("refuses a key without a name or scopes", async () => {
    const { db, caller } = await setup();
    const admin = caller(await insertUser(db, "admin"));
    expect(await codeOf(admin.admin.apiKeys.create({ name: " ", scopes: ["usage:write"] }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(admin.admin.apiKeys.create({ name: "x", scopes: [] }))).toBe("BAD_REQUEST");
  });
});
