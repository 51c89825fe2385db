import { closeDb, createDb, jobs } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { manualClock, systemClock } from "../clock.ts";
import { defineJob } from "./define.ts";
import { enqueueJob } from "./enqueue.ts";
import { FINISHED_JOB_RETENTION_MS, pruneJobs } from "./prune.ts";
import { scheduleNext } from "./schedule.ts";
import { startJobWorker } from "./worker.ts";

afterAll(dropTestDatabases);

const silent = { warn: () => {}, error: () => {} };

const LEASE_MS = 3_000;
const RUNS_MS = 7_000;

describe("job leases", () => {
  it("a job running longer than its lease keeps it (renewed): a second instance never runs it too", async () => {
    const { db, config } = await createTestDb({ file: true });
    const other = await createDb(config);
    const runs: string[] = [];
    const slow = defineJob({
      kind: "t.slow",
      payload: z.object({}),
      run: async (ctx) => {
        runs.push(ctx.clock === systemClock ? "run" : "?");
        await new Promise((r) => setTimeout(r, RUNS_MS));
      },
    });
    await enqueueJob({ db, clock: systemClock }, { kind: slow, payload: {}, key: "slow" });
    const ctx = (d: typeof db) => ({ db: d, clock: systemClock, log: silent, stripe: null });
    const a = startJobWorker(ctx(db), [slow], { autoStart: false, holder: "a", leaseMs: LEASE_MS });
    const b = startJobWorker(ctx(other), [slow], {
      autoStart: false,
      holder: "b",
      leaseMs: LEASE_MS,
    });
    const first = a.drain();
    // B starts looking only once A holds the job: otherwise B may simply claim it first.
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 10));
    // B keeps looking while A runs, more than twice A's lease (renewed every third of it, so a
    // stall up to two thirds of it — 2 s, seen on a loaded CI machine with PostgreSQL — is fine).
    const deadline = Date.now() + RUNS_MS + 200;
    while (Date.now() < deadline) {
      await b.drain();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await first).toMatchObject({ succeeded: 1 });
    expect(runs).toEqual(["run"]);
    const row = await db.select().from(jobs).where(eq(jobs.key, "slow")).get();
    expect(row).toMatchObject({ status: "succeeded", attempts: 1 });
    await Promise.all([a.stop(), b.stop()]);
    await closeDb(other);
  }, 30_000);
});

describe("scheduled jobs", () => {
  it("the daily prune queues its next run as a row and deletes succeeded jobs past retention", async () => {
    const db = await createTestDb();
    const clock = manualClock(Date.UTC(2026, 5, 1, 10));
    await scheduleNext({ db, clock }, pruneJobs);
    await scheduleNext({ db, clock }, pruneJobs); // a second instance starting: same slot
    const queued = await db.select().from(jobs).where(eq(jobs.kind, "jobs.prune"));
    expect(queued.map((j) => j.runAt.toISOString())).toEqual(["2026-06-02T03:00:00.000Z"]);

    const done = defineJob({ kind: "t.done", payload: z.object({}), run: () => Promise.resolve() });
    await enqueueJob({ db, clock }, { kind: done, payload: {}, key: "old" });
    const worker = startJobWorker({ db, clock, log: silent, stripe: null }, [done, pruneJobs], {
      autoStart: false,
    });
    await worker.drain();
    clock.advance(FINISHED_JOB_RETENTION_MS + 60_000);
    await enqueueJob({ db, clock }, { kind: done, payload: {}, key: "recent" });
    await worker.drain(); // runs "recent" and the overdue prune
    const keys = (await db.select({ key: jobs.key }).from(jobs)).map((j) => j.key).sort();
    expect(keys).toEqual([
      "jobs.prune@2026-06-02T03:00:00.000Z",
      "jobs.prune@2026-08-31T03:00:00.000Z",
      "recent",
    ]);
    await worker.stop();
  });
});
