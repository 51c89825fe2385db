import { accountTokens, auditLog, closeDb, jobs, sessions, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import {
  acceptInvitation,
  invitationFor,
  inviteStaff,
  listPendingInvitations,
} from "./invitations.ts";
import { verifyPassword } from "./password.ts";
import { requestPasswordReset, resetPassword } from "./password-reset.ts";
import { clock, insertAccount, insertSession } from "./testing.ts";
import { issueAccountToken, LINK_INVALID } from "./tokens.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
  clock.set(Date.UTC(2026, 2, 1));
});
afterEach(async () => {
  await closeDb(db);
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a DomainError");
};
const jobKinds = async () => (await db.select({ kind: jobs.kind }).from(jobs)).map((j) => j.kind);
const NEW_PASSWORD = "correct horse battery staple";

describe("password reset", () => {
  it("e-mails known, enabled accounts only, and answers the same either way", async () => {
    await insertAccount(db, "usr_ada", "customer", { email: "ada@example.test" });
    await insertAccount(db, "usr_off", "customer", { email: "off@example.test", disabled: true });
    for (const email of ["nobody@example.test", "off@example.test", "ADA@example.test "]) {
      expect(
        await requestPasswordReset({ db, clock }, { email, ip: "203.0.113.9" }),
      ).toBeUndefined();
    }
    expect(await jobKinds()).toEqual(["email.password_reset"]);
    const [job] = await db.select().from(jobs);
    expect(job!.payload).toEqual({ userId: "usr_ada" });
    const [row] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "customer.password_reset_requested"));
    expect(row).toMatchObject({ actorId: "usr_ada", ip: "203.0.113.9" });
    // Each request is its own e-mail (a person may ask again after losing the first).
    await requestPasswordReset({ db, clock }, { email: "ada@example.test", ip: null });
    expect(await jobKinds()).toHaveLength(2);
  });

  it("a link sets the password once, ends every session, and is stored only as a hash", async () => {
    await insertAccount(db, "usr_ada", "customer", { email: "ada@example.test" });
    await insertSession(db, "s1", "usr_ada");
    await insertSession(db, "s2", "usr_ada");
    const { token, expiresAt } = await issueAccountToken(
      { db, clock },
      { purpose: "password_reset", userId: "usr_ada", email: "ada@example.test" },
    );
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    const stored = await db.select().from(accountTokens);
    expect(JSON.stringify(stored)).not.toContain(token);

    const result = await resetPassword(
      { db, clock },
      { token, newPassword: NEW_PASSWORD, ip: null },
    );
    expect(result).toEqual({ userId: "usr_ada", sessionsEnded: 2 });
    const user = await db.select().from(users).where(eq(users.id, "usr_ada")).get();
    expect(await verifyPassword(user!.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(await db.select().from(sessions)).toEqual([]);

    expect(
      await failure(resetPassword({ db, clock }, { token, newPassword: NEW_PASSWORD, ip: null })),
    ).toEqual({ code: "BAD_REQUEST", message: LINK_INVALID });
  });

  it("expires after 30 minutes, a newer link revokes the older, and weak passwords are refused", async () => {
    await insertAccount(db, "usr_ada", "customer", { email: "ada@example.test" });
    const subject = {
      purpose: "password_reset",
      userId: "usr_ada",
      email: "ada@example.test",
    } as const;
    const first = await issueAccountToken({ db, clock }, subject);
    const second = await issueAccountToken({ db, clock }, subject);
    expect(
      await failure(
        resetPassword({ db, clock }, { token: first.token, newPassword: NEW_PASSWORD, ip: null }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await failure(
        resetPassword({ db, clock }, { token: second.token, newPassword: "password", ip: null }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      message: "Use at least 10 characters for your password.",
    });
    // The refused password did not use the link up; time does.
    clock.advance(30 * 60_000 + 1);
    expect(
      await failure(
        resetPassword({ db, clock }, { token: second.token, newPassword: NEW_PASSWORD, ip: null }),
      ),
    ).toEqual({ code: "BAD_REQUEST", message: LINK_INVALID });
    expect(
      await failure(
        resetPassword({ db, clock }, { token: "not-a-token", newPassword: NEW_PASSWORD, ip: null }),
      ),
    ).toEqual({ code: "BAD_REQUEST", message: LINK_INVALID });
  });
});

describe("staff invitations", () => {
  const admin = { type: "staff", userId: "usr_admin", role: "admin", ip: null } as const;

  it("an admin invites; the link creates the account with the chosen password, once", async () => {
    await insertAccount(db, "usr_admin", "admin");
    await inviteStaff(
      { db, clock, actor: admin },
      { email: "Grace@Example.test", name: "Grace", role: "finance" },
    );
    const [job] = await db.select().from(jobs);
    expect(job).toMatchObject({
      kind: "email.staff_invitation",
      payload: {
        email: "grace@example.test",
        name: "Grace",
        role: "finance",
        invitedBy: "usr_admin",
      },
    });
    // What the invitation job does when it runs.
    const { token } = await issueAccountToken(
      { db, clock },
      {
        purpose: "staff_invitation",
        userId: null,
        email: "grace@example.test",
        role: "finance",
        name: "Grace",
        createdBy: "usr_admin",
      },
    );
    expect(await listPendingInvitations({ db, clock })).toMatchObject([
      { email: "grace@example.test", role: "finance" },
    ]);
    expect(await invitationFor({ db, clock }, token)).toEqual({
      email: "grace@example.test",
      name: "Grace",
      role: "finance",
    });
    const { userId } = await acceptInvitation(
      { db, clock },
      { token, password: NEW_PASSWORD, ip: null },
    );
    const user = await db.select().from(users).where(eq(users.id, userId)).get();
    expect(user).toMatchObject({ email: "grace@example.test", role: "finance", name: "Grace" });
    expect(await verifyPassword(user!.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(await listPendingInvitations({ db, clock })).toEqual([]);
    expect(
      await failure(acceptInvitation({ db, clock }, { token, password: NEW_PASSWORD, ip: null })),
    ).toEqual({ code: "BAD_REQUEST", message: LINK_INVALID });
    expect(
      await failure(
        inviteStaff(
          { db, clock, actor: admin },
          { email: "grace@example.test", name: "G", role: "support" },
        ),
      ),
    ).toMatchObject({ code: "CONFLICT" });
  });

  it("refuses customer roles and bad addresses with a 4xx, and an invitation to a taken address", async () => {
    await insertAccount(db, "usr_admin", "admin");
    expect(
      await failure(
        inviteStaff(
          { db, clock, actor: admin },
          { email: "x@example.test", name: "X", role: "customer" },
        ),
      ),
    ).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await failure(
        inviteStaff({ db, clock, actor: admin }, { email: "nope", name: "X", role: "support" }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST" });
    // Someone signed up with the address after the invitation went out.
    const { token } = await issueAccountToken(
      { db, clock },
      {
        purpose: "staff_invitation",
        userId: null,
        email: "late@example.test",
        role: "support",
        name: "Late",
      },
    );
    await insertAccount(db, "usr_late", "customer", { email: "late@example.test" });
    expect(
      await failure(acceptInvitation({ db, clock }, { token, password: NEW_PASSWORD, ip: null })),
    ).toMatchObject({ code: "CONFLICT" });
    expect(await jobKinds()).toEqual([]);
  });
});
