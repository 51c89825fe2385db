import { manualClock } from "@folio/billing";
import { closeDb, createDb, rateLimitHits } from "@folio/db";
import { createTestDb, dropTestDatabases, testDialect } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { LoginThrottle, pruneRateLimitHits, RATE_LIMIT_RETENTION_MS } from "./throttle.ts";

const MIN = 60 * 1000;

afterAll(dropTestDatabases);

describe("LoginThrottle", () => {
  it("blocks an email after 10 failures for the rest of the 15-minute window", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock);
    const keys = { email: "a@example.com", ip: "10.0.0.1" };
    for (let i = 0; i < 9; i++) {
      await throttle.recordFailure(db, keys);
      clock.advance(MIN);
    }
    expect(await throttle.retryAfterSeconds(db, keys)).toBe(0);
    await throttle.recordFailure(db, keys); // 10th, at minute 9
    expect(await throttle.retryAfterSeconds(db, keys)).toBe(6 * 60); // first leaves the window at 15
    expect(await throttle.retryAfterSeconds(db, { email: "b@example.com", ip: "10.0.0.2" })).toBe(
      0,
    );

    clock.advance(6 * MIN);
    expect(await throttle.retryAfterSeconds(db, keys)).toBe(0);
  });

  it("counts per IP across emails with its own limit", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 10, windowMs: 15 * MIN },
      ip: { maxFailures: 3, windowMs: 15 * MIN },
    });
    for (const email of ["a@x.io", "b@x.io", "c@x.io"])
      await throttle.recordFailure(db, { email, ip: "1.1.1.1" });
    expect(await throttle.retryAfterSeconds(db, { email: "d@x.io", ip: "1.1.1.1" })).toBe(15 * 60);
    expect(await throttle.retryAfterSeconds(db, { email: "d@x.io", ip: "2.2.2.2" })).toBe(0);
  });

  it("clears the email's counter on success but keeps the IP's", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 2, windowMs: 15 * MIN },
      ip: { maxFailures: 2, windowMs: 15 * MIN },
    });
    await throttle.recordFailure(db, { email: "a@x.io", ip: null });
    await throttle.recordSuccess(db, { email: "a@x.io" });
    await throttle.recordFailure(db, { email: "a@x.io", ip: null });
    expect(await throttle.retryAfterSeconds(db, { email: "a@x.io", ip: null })).toBe(0);

    await throttle.recordFailure(db, { email: "b@x.io", ip: "9.9.9.9" });
    await throttle.recordFailure(db, { email: "c@x.io", ip: "9.9.9.9" });
    await throttle.recordSuccess(db, { email: "c@x.io" });
    expect(
      await throttle.retryAfterSeconds(db, { email: "z@x.io", ip: "9.9.9.9" }),
    ).toBeGreaterThan(0);
  });

  it("counts an attempt when it starts and takes it back on release", async () => {
    const db = await createTestDb();
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 2, windowMs: 15 * MIN },
      ip: { maxFailures: 3, windowMs: 15 * MIN },
    });
    const keys = { email: "a@x.io", ip: "1.1.1.1" };
    const first = await throttle.attempt(db, keys);
    const second = await throttle.attempt(db, keys);
    expect([first.retryAfterSeconds, second.retryAfterSeconds]).toEqual([0, 0]);
    // Both still in flight: a third is refused without being counted.
    expect((await throttle.attempt(db, keys)).retryAfterSeconds).toBe(15 * 60);
    await first.release();
    expect(await throttle.retryAfterSeconds(db, keys)).toBe(0);
    // The IP holds one attempt (the second) now, so two more fit under its limit of three.
    expect((await throttle.attempt(db, { email: "b@x.io", ip: "1.1.1.1" })).retryAfterSeconds).toBe(
      0,
    );
    expect((await throttle.attempt(db, { email: "c@x.io", ip: "1.1.1.1" })).retryAfterSeconds).toBe(
      0,
    );
    expect(await throttle.retryAfterSeconds(db, { email: "d@x.io", ip: "1.1.1.1" })).toBe(15 * 60);
  });

  it("admits exactly the limit from a burst of parallel attempts", async () => {
    const db = await createTestDb();
    const throttle = new LoginThrottle(manualClock());
    const keys = { email: "burst@x.io", ip: null };
    const results = await Promise.all(Array.from({ length: 25 }, () => throttle.attempt(db, keys)));
    expect(results.filter((r) => r.retryAfterSeconds === 0)).toHaveLength(10);
    expect(await db.select().from(rateLimitHits)).toHaveLength(10);
  });

  it("refuses rules that look back further than pruning keeps", () => {
    const rule = { maxFailures: 1, windowMs: RATE_LIMIT_RETENTION_MS + 1 };
    expect(() => new LoginThrottle(manualClock(), { email: rule, ip: rule })).toThrow(/longer/);
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

  it("share the counts: failures on one lock the email on the other", async () => {
    const { first, second, a, b } = await twoInstances();
    try {
      const keys = { email: "shared@x.io", ip: "10.1.1.1" };
      for (let i = 0; i < 5; i++) await a.recordFailure(first, keys);
      for (let i = 0; i < 4; i++) await b.recordFailure(second, keys);
      expect(await a.retryAfterSeconds(first, keys)).toBe(0);
      expect((await b.attempt(second, keys)).retryAfterSeconds).toBe(0); // the 10th
      expect((await a.attempt(first, keys)).retryAfterSeconds).toBe(15 * 60);
      expect(await b.retryAfterSeconds(second, keys)).toBe(15 * 60);

      // A success on one instance clears the email's counter for both.
      await a.recordSuccess(first, keys);
      expect(await b.retryAfterSeconds(second, { email: keys.email, ip: null })).toBe(0);
    } finally {
      await closeDb(second);
    }
  });

  // Overlapping write transactions from two connections need two threads or processes on
  // SQLite (better-sqlite3 blocks its thread while it waits for the file lock, so one process
  // would stall itself); there BEGIN IMMEDIATE serializes them across processes. Two PostgreSQL
  // connections in one process do overlap, which is what the advisory locks are for.
  it.runIf(testDialect() === "postgres")(
    "admit exactly the limit from a burst split across both (PostgreSQL)",
    async () => {
      const { first, second, a, b } = await twoInstances();
      try {
        const keys = { email: "burst@x.io", ip: "10.2.2.2" };
        for (let i = 0; i < 7; i++) await a.recordFailure(first, keys);
        const burst = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            i % 2 === 0 ? a.attempt(first, keys) : b.attempt(second, keys),
          ),
        );
        expect(burst.filter((r) => r.retryAfterSeconds === 0)).toHaveLength(3);
        const hits = await second.select().from(rateLimitHits);
        expect(hits.filter((h) => h.key === "signin:email:burst@x.io")).toHaveLength(10);
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
    expect(left).toEqual([{ key: "signin:email:new@x.io" }]);
  });
});
