import { hashPassword, manualClock, type Clock } from "@folio/billing";
import { TRPCError } from "@trpc/server";
import { users, type Db, type Role } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { createSession, type SessionUser } from "../auth/session.ts";
import { LoginThrottle } from "../auth/throttle.ts";
import { createContextInner, type InnerContextOptions } from "../context.ts";
import { loadEnv, type Env } from "../env.ts";
import { appRouter } from "../routers/_app.ts";
import { createCallerFactory } from "../trpc.ts";

export const TEST_PASSWORD = "correct-horse-battery";

// Argon2 is deliberately slow; hash the shared test password once per test file.
let testHash: Promise<string> | undefined;
function sharedHash(): Promise<string> {
  testHash ??= hashPassword(TEST_PASSWORD);
  return testHash;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  // A free port for the embedded emulator: the default (12111) is `pnpm start`'s.
  return loadEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    STRIPE_EMULATOR_PORT: "0",
    ...overrides,
  });
}

export const createCaller = createCallerFactory(appRouter);

/**
 * A fresh database (SQLite in memory, or PostgreSQL when FOLIO_TEST_DIALECT=postgres), a
 * steppable clock and a throttle shared by the callers. Close it with `dropTestDatabases`.
 */
export async function setup(options: { db?: Db } = {}) {
  const db = options.db ?? (await createTestDb());
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const loginThrottle = new LoginThrottle(clock);
  const env = testEnv();
  const ctx = (opts: Partial<InnerContextOptions> = {}) =>
    createContextInner({ db, clock, env, loginThrottle, ...opts });
  return {
    db,
    clock,
    env,
    loginThrottle,
    ctx,
    /** A caller with no session, or signed in as `user`. */
    caller: (user: SessionUser | null = null, opts: Partial<InnerContextOptions> = {}) =>
      createCaller(ctx({ user, ...opts })),
  };
}

let seq = 0;

/** Inserts a user whose password is TEST_PASSWORD. */
export async function insertUser(
  db: Db,
  role: Role,
  fields: { email?: string; name?: string; disabled?: boolean; createdAt?: Date } = {},
): Promise<SessionUser> {
  seq += 1;
  const user = {
    id: crypto.randomUUID(),
    email: fields.email ?? `${role}${seq}@example.com`,
    name: fields.name ?? `${role} ${seq}`,
    role,
  };
  const at = fields.createdAt ?? new Date(Date.UTC(2026, 0, 1));
  await db.insert(users).values({
    ...user,
    passwordHash: await sharedHash(),
    disabled: fields.disabled ?? false,
    createdAt: at,
    updatedAt: at,
  });
  return user;
}

/** A Cookie header for a fresh session of `userId`. */
export async function sessionCookieFor(db: Db, clock: Clock, userId: string): Promise<string> {
  return `folio_session=${(await createSession(db, clock, userId)).token}`;
}

/** The tRPC code a call failed with, null if it succeeded. */
export async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    return err instanceof TRPCError ? err.code : "NOT_A_TRPC_ERROR";
  }
}
