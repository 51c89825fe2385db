import { auditLog, claimJobs, createDb, closeDb, jobs, withTransaction, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { manualClock } from "../clock.ts";
import { retryJob } from "./admin.ts";
import { defineJob, type JobContext } from "./define.ts";
import { enqueueJob } from "./enqueue.ts";
import { startJobWorker } from "./worker.ts";

afterAll(dropTestDatabases);

const T0 = Date.UTC(2026, 0, 1, 12);
const silent = { warn: () => {}, error: () => {} };

function context(db: Db, clock = manualClock(T0)) {
  return { db, clock, log: silent, stripe: null } satisfies JobContext;
}

const job = (db: Db, key: string) => db.select().from(jobs).where(eq(jobs.key, key)).get();

describe("enqueueJob", () => {
  it("enqueues a key once, and only when the transaction commits", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const first = await enqueueJob(ctx, { kind: "t.noop", payload: { n: 1 }, key: "k1" });
    const again = await enqueueJob(ctx, { kind: "t.noop", payload: { n: 2 }, key: "k1" });
    expect(first?.id).toMatch(/^job_/);
    expect(again).toBeNull();
    expect((await job(db, "k1"))?.payload).toEqual({ n: 1 });

    await expect(
      withTransaction(db, async (tx) => {
        await enqueueJob({ db: tx, clock: ctx.clock }, { kind: "t.noop", payload: {}, key: "k2" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await job(db, "k2")).toBeUndefined();
  });
});

describe("startJobWorker", () => {
  it("runs due jobs once, leaves scheduled ones until their time", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const ran: number[] = [];
    const record = defineJob({
      kind: "t.record",
      payload: z.object({ n: z.number() }),
      run: (_ctx, p) => {
        ran.push(p.n);
        return Promise.resolve();
      },
    });
    await enqueueJob(ctx, { kind: record, payload: { n: 1 }, key: "a" });
    await enqueueJob(ctx, {
      kind: record,
      payload: { n: 2 },
      key: "b",
      runAt: new Date(T0 + 60_000),
    });
    const worker = startJobWorker(ctx, [record], { autoStart: false });
    expect(await worker.drain()).toEqual({ succeeded: 1, failed: 0, dead: 0 });
    expect(await worker.drain()).toEqual({ succeeded: 0, failed: 0, dead: 0 });
    ctx.clock.advance(60_000);
    await worker.drain();
    expect(ran).toEqual([1, 2]);
    expect(await job(db, "a")).toMatchObject({ status: "succeeded", attempts: 1 });
    await worker.stop();
  });

  it("retries with exponential back-off, dead-letters after maxAttempts; staff retry re-queues", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const failing = defineJob({
      kind: "t.failing",
      payload: z.object({}),
      retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 3_000 },
      run: () => Promise.reject(new Error("receiver down")),
    });
    await enqueueJob(ctx, { kind: failing, payload: {}, key: "f" });
    const worker = startJobWorker(ctx, [failing], { autoStart: false });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await worker.drain()).toMatchObject({ failed: 1 });
      const row = await job(db, "f");
      expect(row).toMatchObject({ status: "queued", attempts: i + 1 });
      expect(row?.lastError).toBe("Error: receiver down");
      delays.push(row!.runAt.getTime() - ctx.clock.now().getTime());
      // Not due before its time.
      ctx.clock.advance(delays[i]! - 1);
      expect(await worker.drain()).toMatchObject({ failed: 0 });
      ctx.clock.advance(1);
    }
    expect(delays).toEqual([1_000, 2_000, 3_000]);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    const dead = await job(db, "f");
    expect(dead).toMatchObject({ status: "dead", attempts: 4, lastError: "Error: receiver down" });

    const staff = { type: "staff", userId: "usr_admin", role: "admin" } as const;
    await retryJob(db, ctx.clock, dead!.id, staff);
    expect(await job(db, "f")).toMatchObject({ status: "queued", attempts: 0 });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "job.retried"));
    expect(entry).toMatchObject({ target: `job:${dead!.id}`, actorId: "usr_admin" });
    await expect(retryJob(db, ctx.clock, "job_missing", staff)).rejects.toThrow("No job");
    await worker.stop();
  });

  it("dead-letters once the retry window is over, and at once on an invalid payload", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const windowed = defineJob({
      kind: "t.windowed",
      payload: z.object({ url: z.string() }),
      retry: { maxAttempts: 100, baseDelayMs: 60_000, maxDelayMs: 60_000, giveUpAfterMs: 150_000 },
      run: () => Promise.reject(new Error("500")),
    });
    await enqueueJob(ctx, { kind: windowed, payload: { url: "x" }, key: "w" });
    await enqueueJob(ctx, { kind: "t.windowed", payload: { url: 7 }, key: "bad" });
    const worker = startJobWorker(ctx, [windowed], { autoStart: false });
    expect(await worker.drain()).toEqual({ succeeded: 0, failed: 1, dead: 1 });
    expect((await job(db, "bad"))?.lastError).toMatch(/^PermanentJobError: invalid payload/);
    ctx.clock.advance(60_000);
    // The next attempt (+120 s) is still inside the window; the one after (+180 s) would not be.
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    ctx.clock.advance(60_000);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    expect(await job(db, "w")).toMatchObject({ status: "dead", attempts: 3 });
    await worker.stop();
  });

  it("aborts a run past its timeout and counts it as a failed attempt", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const hangs = defineJob({
      kind: "t.hangs",
      payload: z.object({}),
      timeoutMs: 50,
      run: (_ctx, _p, { signal }) =>
        new Promise<void>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason as Error)),
        ),
    });
    await enqueueJob(ctx, { kind: hangs, payload: {}, key: "h" });
    const worker = startJobWorker(ctx, [hangs], { autoStart: false });
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    expect((await job(db, "h"))?.lastError).toBe("Error: timed out after 50 ms");
    await worker.stop();
  });

  it("claims a job again once the lease of a worker that died lapses", async () => {
    const db = await createTestDb();
    const ctx = context(db);
    const ran: string[] = [];
    const record = defineJob({
      kind: "t.record",
      payload: z.object({}),
      run: (_ctx, _p, run) => {
        ran.push(`${run.key}#${run.attempt}`);
        return Promise.resolve();
      },
    });
    await enqueueJob(ctx, { kind: record, payload: {}, key: "r" });
    // A worker claims it, then its process dies.
    const [claimed] = await claimJobs(db, {
      holder: "dead-host:1",
      now: ctx.clock.now(),
      leaseMs: 30_000,
      limit: 10,
    });
    expect(claimed).toMatchObject({ status: "running", leaseHolder: "dead-host:1", attempts: 1 });
    const worker = startJobWorker(ctx, [record], { autoStart: false, holder: "live:2" });
    expect(await worker.drain()).toMatchObject({ succeeded: 0 });
    ctx.clock.advance(30_000);
    expect(await worker.drain()).toMatchObject({ succeeded: 1 });
    expect(ran).toEqual(["r#2"]);
    await worker.stop();
  });

  it("two workers on separate connections run each job exactly once", async () => {
    const { db, config } = await createTestDb({ file: true });
    const other = await createDb(config);
    const clock = manualClock(T0);
    const runs = new Map<string, number>();
    const count = defineJob({
      kind: "t.count",
      payload: z.object({ i: z.number() }),
      run: async (_ctx, p) => {
        await new Promise((r) => setTimeout(r, 1));
        runs.set(String(p.i), (runs.get(String(p.i)) ?? 0) + 1);
      },
    });
    for (let i = 0; i < 120; i++) {
      await enqueueJob({ db, clock }, { kind: count, payload: { i }, key: `c${i}` });
    }
    const a = startJobWorker(context(db, clock), [count], { autoStart: false, holder: "a" });
    const b = startJobWorker(context(other, clock), [count], { autoStart: false, holder: "b" });
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    expect(ra.succeeded + rb.succeeded).toBe(120);
    expect(runs.size).toBe(120);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
    await closeDb(other);
  });
});
