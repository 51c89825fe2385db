import { manualClock } from "@folio/billing";
import { closeDb, createDb, rateLimitHits } from "@folio/db";
import { createTestDb, dropTestDatabases, testDialect } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import {
  AUTH_RULES,
  LoginThrottle,
  pruneRateLimitHits,
  RATE_LIMIT_RETENTION_MS,
  waitMs,
  type AuthRules,
} from "./throttle.ts";

const SEC = 1000;
const MIN = 60 * SEC;

afterAll(dropTestDatabases);

function rules(overrides: Partial<AuthRules>): AuthRules {
  return { ...AUTH_RULES, ...overrides };
}

describe("waitMs", () => {
  const rule = { free: 3, windowMs: 15 * MIN, firstDelayMs: 2 * SEC, maxDelayMs: 10 * SEC };
  const at = (...seconds: number[]) => seconds.map((s) => new Date(s * SEC));

  it("lets the free attempts through, then doubles the wait up to the cap", () => {
    expect(waitMs(rule, at(2, 1), 2 * SEC)).toBe(0);
    expect(waitMs(rule, at(3, 2, 1), 3 * SEC)).toBe(2 * SEC);
    expect(waitMs(rule, at(4, 3, 2, 1), 4 * SEC)).toBe(4 * SEC);
    expect(waitMs(rule, at(5, 4, 3, 2, 1), 5 * SEC)).toBe(8 * SEC);
    expect(waitMs(rule, at(6, 5, 4, 3, 2, 1), 6 * SEC)).toBe(10 * SEC);
  });

  it("counts the wait from the newest attempt", () => {
    expect(waitMs(rule, at(10, 2, 1), 11 * SEC)).toBe(1 * SEC);
    expect(waitMs(rule, at(10, 2, 1), 12 * SEC)).toBe(0);
  });
});

describe("LoginThrottle", () => {
  it("slows guesses at an account from one address without slowing its owner elsewhere", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock);
    const attacker = { email: "victim@x.io", ip: "203.0.113.7" };
    for (let i = 0; i < 4; i++) await throttle.recordFailure(db, attacker);
    expect(await throttle.retryAfterSeconds(db, attacker)).toBe(0);
    await throttle.recordFailure(db, attacker); // the 5th: the next one waits
    expect(await throttle.retryAfterSeconds(db, attacker)).toBe(2);
    for (let i = 0; i < 6; i++) await throttle.recordFailure(db, attacker);
    expect(await throttle.retryAfterSeconds(db, attacker)).toBe(128);

    expect(await throttle.retryAfterSeconds(db, { email: "victim@x.io", ip: "198.51.100.1" })).toBe(
      0,
    );
    clock.advance(128 * SEC);
    expect(await throttle.retryAfterSeconds(db, attacker)).toBe(0);
  });

  it("slows one address guessing across many accounts", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(
      clock,
      rules({ signInIp: { free: 3, windowMs: 15 * MIN, firstDelayMs: 5 * SEC, maxDelayMs: MIN } }),
    );
    for (const email of ["a@x.io", "b@x.io", "c@x.io"])
      await throttle.recordFailure(db, { email, ip: "1.1.1.1" });
    expect(await throttle.retryAfterSeconds(db, { email: "e@x.io", ip: "1.1.1.1" })).toBe(5);
    expect(await throttle.retryAfterSeconds(db, { email: "e@x.io", ip: "2.2.2.2" })).toBe(0);
  });

  it("clears the (account, address) count on success but keeps the address's", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const tight = { free: 2, windowMs: 15 * MIN, firstDelayMs: 10 * SEC, maxDelayMs: MIN };
    const throttle = new LoginThrottle(clock, rules({ signInAccountIp: tight, signInIp: tight }));
    await throttle.recordFailure(db, { email: "a@x.io", ip: null });
    await throttle.recordSuccess(db, { email: "a@x.io", ip: null });
    await throttle.recordFailure(db, { email: "a@x.io", ip: null });
    expect(await throttle.retryAfterSeconds(db, { email: "a@x.io", ip: null })).toBe(0);

    await throttle.recordFailure(db, { email: "b@x.io", ip: "9.9.9.9" });
    await throttle.recordFailure(db, { email: "c@x.io", ip: "9.9.9.9" });
    await throttle.recordSuccess(db, { email: "c@x.io", ip: "9.9.9.9" });
    expect(await throttle.retryAfterSeconds(db, { email: "z@x.io", ip: "9.9.9.9" })).toBe(10);
  });

  it("counts an attempt when it starts and takes it back on release", async () => {
    const db = await createTestDb();
    const throttle = new LoginThrottle(
      manualClock(),
      rules({
        signInAccountIp: { free: 2, windowMs: 15 * MIN, firstDelayMs: 30 * SEC, maxDelayMs: MIN },
      }),
    );
    const keys = { email: "a@x.io", ip: "1.1.1.1" };
    const first = await throttle.attempt(db, keys);
    const second = await throttle.attempt(db, keys);
    expect([first.retryAfterSeconds, second.retryAfterSeconds]).toEqual([0, 0]);
    // Both still in flight: a third is refused without being counted.
    expect((await throttle.attempt(db, keys)).retryAfterSeconds).toBe(30);
    await first.release();
    expect(await throttle.retryAfterSeconds(db, keys)).toBe(0);
    // The second attempt's hits (account+address, address) are all that is left.
    expect(await db.select().from(rateLimitHits)).toHaveLength(2);
  });

  it("admits exactly the free attempts from a burst of parallel ones", async () => {
    const db = await createTestDb();
    const throttle = new LoginThrottle(manualClock());
    const keys = { email: "burst@x.io", ip: "10.9.9.9" };
    const results = await Promise.all(Array.from({ length: 25 }, () => throttle.attempt(db, keys)));
    expect(results.filter((r) => r.retryAfterSeconds === 0)).toHaveLength(
      AUTH_RULES.signInAccountIp.free,
    );
  });

  it("limits sign-ups per address, counting every one", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock);
    const results = [];
    for (let i = 0; i < 7; i++)
      results.push((await throttle.attemptSignUp(db, "5.5.5.5")).retryAfterSeconds);
    expect(results).toEqual([0, 0, 0, 0, 0, 60, 60]);
    expect((await throttle.attemptSignUp(db, "6.6.6.6")).retryAfterSeconds).toBe(0);
    clock.advance(MIN);
    expect((await throttle.attemptSignUp(db, "5.5.5.5")).retryAfterSeconds).toBe(0);
    expect((await throttle.attemptSignUp(db, "5.5.5.5")).retryAfterSeconds).toBe(120);
  });

  it("refuses rules that look back further than pruning keeps", () => {
    const rule = { free: 1, windowMs: RATE_LIMIT_RETENTION_MS + 1, firstDelayMs: 1, maxDelayMs: 1 };
    expect(() => new LoginThrottle(manualClock(), rules({ signUpIp: rule }))).toThrow(/longer/);
  });
});

describe("two instances on one database", () => {
  async function twoInstances() {
    const { db: first, config } = await createTestDb({ file: true });
    const second = await createDb(config);
    const clock = manualClock(Date.UTC(2026, 0, 1));
    // Each instance has its own connection and throttle object, as two servers would.
    return { first, second, clock, a: new LoginThrottle(clock), b: new LoginThrottle(clock) };
  }

  it("share the counts: failures on one slow the same guesser on the other", async () => {
    const { first, second, a, b } = await twoInstances();
    try {
      const keys = { email: "shared@x.io", ip: "10.1.1.1" };
      for (let i = 0; i < 3; i++) await a.recordFailure(first, keys);
      for (let i = 0; i < 2; i++) await b.recordFailure(second, keys);
      expect((await b.attempt(second, keys)).retryAfterSeconds).toBe(2);
      expect(await a.retryAfterSeconds(first, keys)).toBe(2);
      expect(await b.attemptSignUp(second, "10.1.1.1")).toMatchObject({ retryAfterSeconds: 0 });

      // A success on one instance clears the count for both.
      await a.recordSuccess(first, keys);
      expect(await b.retryAfterSeconds(second, keys)).toBe(0);
    } finally {
      await closeDb(second);
    }
  });

  // Overlapping write transactions from two connections need two threads or processes on
  // SQLite (better-sqlite3 blocks its thread while it waits for the file lock, so one process
  // would stall itself); there BEGIN IMMEDIATE serializes them across processes. Two PostgreSQL
  // connections in one process do overlap, which is what the advisory locks are for.
  it.runIf(testDialect() === "postgres")(
    "admit exactly the free attempts from a burst split across both (PostgreSQL)",
    async () => {
      const { first, second, a, b } = await twoInstances();
      try {
        const keys = { email: "burst@x.io", ip: "10.2.2.2" };
        for (let i = 0; i < 2; i++) await a.recordFailure(first, keys);
        const burst = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            i % 2 === 0 ? a.attempt(first, keys) : b.attempt(second, keys),
          ),
        );
        expect(burst.filter((r) => r.retryAfterSeconds === 0)).toHaveLength(3);
      } finally {
        await closeDb(second);
      }
    },
  );
});

describe("pruneRateLimitHits", () => {
  it("deletes only hits older than the retention", async () => {
    const db = await createTestDb();
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const throttle = new LoginThrottle(clock);
    await throttle.recordFailure(db, { email: "old@x.io", ip: "1.1.1.1" });
    clock.advance(RATE_LIMIT_RETENTION_MS);
    await throttle.recordFailure(db, { email: "new@x.io", ip: null });
    expect(await pruneRateLimitHits(db, clock)).toBe(2);
    const left = await db.select({ key: rateLimitHits.key }).from(rateLimitHits);
    expect(left).toEqual([{ key: "signin:acct:new@x.io|-" }]);
  });
});
