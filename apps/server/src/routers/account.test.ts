import { ensureStripeCustomer, issueAccountToken, verifyPassword } from "@folio/billing";
import { auditLog, jobs, sessions, stripeCustomers, users } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../auth/session.ts";
import { insertUser, setup, TEST_PASSWORD } from "../test/helpers.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-account" } });
  stripe = emu.stripe();
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a failure");
}

const attemptId = () => crypto.randomUUID();

describe("account.updateProfile", () => {
  it("changes the name at once and the email once its link is opened, on the Stripe customer too, audited", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer", { email: "old@example.com" });
    const customerId = await ensureStripeCustomer({ db: env.db, stripe, clock: env.clock }, user);
    const caller = env.caller(user, { stripe });

    const result = await caller.account.updateProfile({
      name: "  Casey New ",
      email: "New@Example.com",
      currentPassword: TEST_PASSWORD,
      attemptId: attemptId(),
    });
    expect(result).toEqual({
      name: "Casey New",
      email: "old@example.com",
      changed: true,
      pendingEmail: "new@example.com",
    });
    const row = await env.db.select().from(users).where(eq(users.id, user.id)).get();
    expect(row).toMatchObject({ name: "Casey New", email: "old@example.com" });
    expect(await env.db.select({ kind: jobs.kind, payload: jobs.payload }).from(jobs)).toEqual([
      { kind: "email.email_change", payload: { userId: user.id, newEmail: "new@example.com" } },
    ]);
    const audits = await env.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "customer.profile_updated"));
    expect(audits).toMatchObject([
      {
        actorType: "customer",
        actorId: user.id,
        target: `user:${user.id}`,
        before: { name: user.name, email: "old@example.com" },
        after: { name: "Casey New", email: "old@example.com", pendingEmail: "new@example.com" },
      },
    ]);

    // What the e-mail job does, then the person opening the link (anywhere, signed in or not).
    const { token } = await issueAccountToken(env, {
      purpose: "email_change",
      userId: user.id,
      email: "new@example.com",
    });
    const anon = env.caller(null, { stripe });
    expect(await anon.auth.confirmEmail({ token })).toEqual({ email: "new@example.com" });
    expect((await failure(anon.auth.confirmEmail({ token }))).code).toBe("BAD_REQUEST");
    expect(await env.db.select().from(users).where(eq(users.id, user.id)).get()).toMatchObject({
      email: "new@example.com",
    });
    const customer = (await stripe.customers.retrieve(customerId)) as Stripe.Customer;
    expect(customer).toMatchObject({ name: "Casey New", email: "new@example.com" });
    // The write path stored what Stripe returned, so the mirror has it at once.
    const mirrored = await env.db
      .select({ email: stripeCustomers.email, name: stripeCustomers.name })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.id, customerId))
      .get();
    expect(mirrored).toEqual({ email: "new@example.com", name: "Casey New" });
    expect(
      await env.db.select().from(auditLog).where(eq(auditLog.action, "customer.email_changed")),
    ).toMatchObject([
      {
        actorId: user.id,
        before: { email: "old@example.com" },
        after: { email: "new@example.com" },
      },
    ]);

    // The same again changes nothing and audits nothing.
    expect(
      await caller.account.updateProfile({
        name: "Casey New",
        email: "new@example.com",
        currentPassword: TEST_PASSWORD,
        attemptId: attemptId(),
      }),
    ).toMatchObject({ changed: false });
  });

  it("an address taken between the request and the link is refused when the link is opened", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer", { email: "first@example.com" });
    const { token } = await issueAccountToken(env, {
      purpose: "email_change",
      userId: user.id,
      email: "wanted@example.com",
    });
    await insertUser(env.db, "customer", { email: "wanted@example.com" });
    expect((await failure(env.caller().auth.confirmEmail({ token }))).code).toBe("CONFLICT");
    env.clock.advance(31 * 60_000);
    expect((await failure(env.caller().auth.confirmEmail({ token }))).code).toBe("BAD_REQUEST");
  });

  it("refuses a wrong password and an email another account uses, changing nothing", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer", { email: "me@example.com" });
    await insertUser(env.db, "customer", { email: "taken@example.com" });
    const caller = env.caller(user, { stripe });

    const wrong = await failure(
      caller.account.updateProfile({
        name: "X",
        email: "me2@example.com",
        currentPassword: "not my password",
        attemptId: attemptId(),
      }),
    );
    expect(wrong).toEqual({
      code: "BAD_REQUEST",
      message: "Your current password is not correct.",
    });

    const taken = await failure(
      caller.account.updateProfile({
        name: "X",
        email: "TAKEN@example.com",
        currentPassword: TEST_PASSWORD,
        attemptId: attemptId(),
      }),
    );
    expect(taken.code).toBe("CONFLICT");
    expect(taken.message).toMatch(/taken@example\.com/);
    expect(await env.db.select().from(users).where(eq(users.id, user.id)).get()).toMatchObject({
      email: "me@example.com",
      name: user.name,
    });
    expect(await env.db.select().from(auditLog)).toEqual([]);
  });

  it("throttles password guesses like sign-ins", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer");
    const caller = env.caller(user, { ip: "192.0.2.9" });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const f = await failure(
        caller.account.changePassword({
          currentPassword: `guess ${i}`,
          newPassword: "a new password 1",
        }),
      );
      codes.push(f.code);
    }
    expect(codes.slice(0, 4).every((c) => c === "BAD_REQUEST")).toBe(true);
    expect(codes.slice(4)).toEqual(["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    // Even the right password waits now.
    const blocked = await failure(
      caller.account.changePassword({
        currentPassword: TEST_PASSWORD,
        newPassword: "a new password 1",
      }),
    );
    expect(blocked.code).toBe("TOO_MANY_REQUESTS");
  });
});

describe("account.changePassword", () => {
  it("sets the new password and signs out every other session, keeping this one", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer");
    const other = await insertUser(env.db, "customer");
    const here = await createSession(env.db, env.clock, user.id);
    await createSession(env.db, env.clock, user.id);
    await createSession(env.db, env.clock, user.id);
    const othersSession = await createSession(env.db, env.clock, other.id);

    const caller = env.caller(user, { session: here.session });
    expect(
      await caller.account.changePassword({
        currentPassword: TEST_PASSWORD,
        newPassword: "a brand new passphrase",
      }),
    ).toEqual({ sessionsEnded: 2 });

    const left = await env.db.select({ id: sessions.id }).from(sessions);
    expect(left.map((s) => s.id).sort()).toEqual(
      [here.session.id, othersSession.session.id].sort(),
    );
    const row = (await env.db.select().from(users).where(eq(users.id, user.id)).get())!;
    expect(await verifyPassword(row.passwordHash, "a brand new passphrase")).toBe(true);
    expect(await verifyPassword(row.passwordHash, TEST_PASSWORD)).toBe(false);
    const [entry] = await env.db.select().from(auditLog);
    expect(entry).toMatchObject({
      action: "customer.password_changed",
      actorId: user.id,
      after: { otherSessionsEnded: 2 },
    });
    expect(JSON.stringify(entry)).not.toMatch(/passphrase|argon2/);
  });

  it("refuses a wrong current password, a short new one and the same one, changing nothing", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "support");
    await createSession(env.db, env.clock, user.id);
    const caller = env.caller(user);
    const before = (await env.db.select().from(users).where(eq(users.id, user.id)).get())!;

    expect(
      await failure(
        caller.account.changePassword({ currentPassword: "wrong", newPassword: "long enough 123" }),
      ),
    ).toEqual({ code: "BAD_REQUEST", message: "Your current password is not correct." });
    expect(
      (
        await failure(
          caller.account.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "short" }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
    expect(
      (
        await failure(
          caller.account.changePassword({
            currentPassword: TEST_PASSWORD,
            newPassword: TEST_PASSWORD,
          }),
        )
      ).message,
    ).toMatch(/differs/);
    const after = (await env.db.select().from(users).where(eq(users.id, user.id)).get())!;
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(await env.db.select().from(sessions)).toHaveLength(1);
    expect(await env.db.select().from(auditLog)).toEqual([]);
  });

  it("is for signed-in users only", async () => {
    const env = await setup();
    expect(
      (
        await failure(
          env.caller().account.changePassword({
            currentPassword: TEST_PASSWORD,
            newPassword: "long enough 123",
          }),
        )
      ).code,
    ).toBe("UNAUTHORIZED");
  });
});
