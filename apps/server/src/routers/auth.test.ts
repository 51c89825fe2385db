import { auditLog, sessions, users } from "@folio/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { validateSessionToken } from "../auth/session.ts";
import { permissionsFor } from "../permissions.ts";
import { insertUser, setup, TEST_PASSWORD } from "../test/helpers.ts";

function tokenFrom(headers: Headers): string | undefined {
  const cookie = headers.getSetCookie().find((c) => c.startsWith("folio_session="));
  return cookie?.split(";")[0]?.slice("folio_session=".length);
}

afterAll(dropTestDatabases);

async function trpcCode(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("auth.signUp", () => {
  it("creates a customer, starts a session and answers like auth.me", async () => {
    const { db, clock, caller } = await setup();
    const resHeaders = new Headers();
    const result = await caller(null, { resHeaders }).auth.signUp({
      email: "  New.Person@Example.COM ",
      name: "  New Person ",
      password: "long-enough-pw",
    });
    expect(result.user).toMatchObject({
      email: "new.person@example.com",
      name: "New Person",
      role: "customer",
    });
    expect(result.permissions).toEqual([]);

    const token = tokenFrom(resHeaders);
    expect(token).toBeDefined();
    const valid = await validateSessionToken(db, clock, token ?? "");
    expect(valid?.user).toEqual(result.user);

    const stored = await db.select().from(users).where(eq(users.id, result.user.id)).get();
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("refuses a taken email (any case) with CONFLICT and a clear message", async () => {
    const { db, caller } = await setup();
    await insertUser(db, "customer", { email: "taken@example.com" });
    const err = await trpcCode(
      caller().auth.signUp({ email: "Taken@example.com", name: "X", password: "long-enough-pw" }),
    );
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/already exists/);
    expect(await db.select().from(users)).toHaveLength(1);
  });

  it.each([
    [{ email: "not-an-email", name: "A", password: "long-enough-pw" }, /valid email/],
    [{ email: "a@example.com", name: "A", password: "short" }, /at least 10 characters/],
    [{ email: "a@example.com", name: "   ", password: "long-enough-pw" }, /Enter your name/],
    [{ email: "a@example.com", name: "A".repeat(101), password: "long-enough-pw" }, /100/],
    [{ email: "a@example.com", name: "A", password: "x".repeat(257) }, /256/],
  ])("rejects bad input %j with BAD_REQUEST and writes nothing", async (input, message) => {
    const { db, caller } = await setup();
    const err = await trpcCode(caller().auth.signUp(input));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(message);
    expect(await db.select().from(users)).toHaveLength(0);
  });
});

describe("auth.signIn", () => {
  it("signs in with the right password, case-insensitively by email", async () => {
    const { db, caller } = await setup();
    const user = await insertUser(db, "finance", { email: "fin@example.com" });
    const resHeaders = new Headers();
    const me = await caller(null, { resHeaders }).auth.signIn({
      email: "FIN@example.com",
      password: TEST_PASSWORD,
    });
    expect(me).toEqual({
      user,
      permissions: permissionsFor("finance"),
    });
    expect(tokenFrom(resHeaders)).toBeDefined();
  });

  it("answers unknown email and wrong password identically", async () => {
    const { db, caller } = await setup();
    await insertUser(db, "customer", { email: "known@example.com" });
    const wrong = await trpcCode(
      caller().auth.signIn({ email: "known@example.com", password: "not-the-password" }),
    );
    const unknown = await trpcCode(
      caller().auth.signIn({ email: "nobody@example.com", password: "not-the-password" }),
    );
    expect(wrong).toEqual({ code: "UNAUTHORIZED", message: "Incorrect email or password." });
    expect(unknown).toEqual(wrong);
  });

  it("refuses disabled users even with the right password", async () => {
    const { db, caller } = await setup();
    await insertUser(db, "support", { email: "gone@example.com", disabled: true });
    const err = await trpcCode(
      caller().auth.signIn({ email: "gone@example.com", password: TEST_PASSWORD }),
    );
    expect(err.code).toBe("FORBIDDEN");
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("makes one address wait after 5 wrong passwords, without locking the account", async () => {
    const { db, caller } = await setup();
    await insertUser(db, "customer", { email: "target@example.com" });
    const guesser = { ip: "203.0.113.5" };
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const attempt = caller(null, guesser).auth.signIn({
        email: "target@example.com",
        password: `nope-${i}`,
      });
      codes.push((await trpcCode(attempt)).code);
    }
    expect(codes).toEqual([...Array<string>(4).fill("UNAUTHORIZED"), "TOO_MANY_REQUESTS"]);

    const resHeaders = new Headers();
    const err = await trpcCode(
      caller(null, { ...guesser, resHeaders }).auth.signIn({
        email: "target@example.com",
        password: TEST_PASSWORD,
      }),
    );
    expect(err.code).toBe("TOO_MANY_REQUESTS");
    expect(err.message).toMatch(/Try again in 2 seconds/);
    expect(resHeaders.get("retry-after")).toBe("2");

    // The owner, somewhere else, is not slowed down by someone guessing at their account.
    const owner = await caller(null, { ip: "198.51.100.20" }).auth.signIn({
      email: "target@example.com",
      password: TEST_PASSWORD,
    });
    expect(owner.user.email).toBe("target@example.com");
  });

  it("counts parallel guesses before checking any, so a burst cannot outrun the throttle", async () => {
    const { db, caller } = await setup();
    await insertUser(db, "customer", { email: "burst@example.com" });
    for (let i = 0; i < 4; i++) {
      await trpcCode(caller().auth.signIn({ email: "burst@example.com", password: `nope-${i}` }));
    }
    // One free attempt left: of twenty sent at once (the right password last), only the first
    // is checked (and, being wrong, starts the wait); the others are refused unverified.
    const burst = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        caller().auth.signIn({
          email: "burst@example.com",
          password: i === 19 ? TEST_PASSWORD : `burst-${i}`,
        }),
      ),
    );
    const codes = burst.map((r) =>
      r.status === "fulfilled" ? "SIGNED_IN" : (r.reason as TRPCError).code,
    );
    expect(codes).toEqual(Array(20).fill("TOO_MANY_REQUESTS"));
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("does not count a successful or disabled sign-in as a failure", async () => {
    const { db, caller } = await setup();
    const user = await insertUser(db, "customer", { email: "ok@example.com" });
    await insertUser(db, "support", { email: "off@example.com", disabled: true });
    for (let i = 0; i < 20; i++) {
      await caller().auth.signIn({ email: user.email, password: TEST_PASSWORD });
      expect(
        (
          await trpcCode(
            caller().auth.signIn({ email: "off@example.com", password: TEST_PASSWORD }),
          )
        ).code,
      ).toBe("FORBIDDEN");
    }
  });

  it("replaces the session the browser arrived with", async () => {
    const { db, clock, caller } = await setup();
    const user = await insertUser(db, "customer", { email: "c@example.com" });
    const first = new Headers();
    await caller(null, { resHeaders: first }).auth.signIn({
      email: user.email,
      password: TEST_PASSWORD,
    });
    const old = await validateSessionToken(db, clock, tokenFrom(first) ?? "");
    expect(old).not.toBeNull();

    await caller(old?.user, { session: old?.session }).auth.signIn({
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(await validateSessionToken(db, clock, tokenFrom(first) ?? "")).toBeNull();
    expect(await db.select().from(sessions)).toHaveLength(1);
  });
});

describe("auth.me, signOut, signOutEverywhere", () => {
  it("me is null without a session", async () => {
    const { caller } = await setup();
    expect(await caller().auth.me()).toBeNull();
  });

  it("signOut ends only the current session and clears the cookie", async () => {
    const { db, clock, caller } = await setup();
    const user = await insertUser(db, "customer");
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const h = new Headers();
      await caller(null, { resHeaders: h }).auth.signIn({
        email: user.email,
        password: TEST_PASSWORD,
      });
      tokens.push(tokenFrom(h) ?? "");
    }
    const current = await validateSessionToken(db, clock, tokens[1] ?? "");
    const resHeaders = new Headers();
    await caller(current?.user, { session: current?.session, resHeaders }).auth.signOut();

    expect(resHeaders.getSetCookie()[0]).toMatch(/^folio_session=; .*Max-Age=0/);
    expect(await validateSessionToken(db, clock, tokens[1] ?? "")).toBeNull();
    expect(await validateSessionToken(db, clock, tokens[0] ?? "")).not.toBeNull();
  });

  it("signOutEverywhere ends all of the user's sessions", async () => {
    const { db, clock, caller } = await setup();
    const user = await insertUser(db, "admin");
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const h = new Headers();
      await caller(null, { resHeaders: h }).auth.signIn({
        email: user.email,
        password: TEST_PASSWORD,
      });
      tokens.push(tokenFrom(h) ?? "");
    }
    const current = await validateSessionToken(db, clock, tokens[0] ?? "");
    const result = await caller(current?.user, {
      session: current?.session,
    }).auth.signOutEverywhere();
    expect(result).toEqual({ ok: true, sessionsEnded: 3 });
    for (const token of tokens) expect(await validateSessionToken(db, clock, token)).toBeNull();
    const trail = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `user:${user.id}`));
    expect(trail.filter((r) => r.action === "user.signed_out_everywhere")).toMatchObject([
      { actorType: "staff", actorId: user.id, after: { sessionsEnded: 3 } },
    ]);
  });
});
