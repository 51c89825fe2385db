import { manualClock } from "@folio/billing";
import { closeDb, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import pino from "pino";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runPeriodically, type RunningJob } from "./periodic.ts";

const HOUR = 60 * 60 * 1000;
let db: Db;
const jobs: RunningJob[] = [];

beforeEach(async () => {
  db = await createTestDb();
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(jobs.splice(0).map((j) => j.stop()));
  await closeDb(db);
});
afterAll(dropTestDatabases);

describe("periodic work across instances", () => {
  it("runs once per period whichever instances tick, and moves on when the holder dies", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const log = pino({ enabled: false });
    const runs: string[] = [];
    const start = (holder: string) => {
      const job = runPeriodically(
        { db, clock, holder, log },
        {
          name: "prune-test",
          everyMs: HOUR,
          run: () => Promise.resolve(void runs.push(holder)),
        },
      );
      jobs.push(job);
      return job;
    };

    const a = start("a");
    await a.first;
    const b = start("b");
    await b.first;
    expect(runs).toEqual(["a"]);

    // Both tick every hour; the lease keeps it to one run per hour, on the instance holding it.
    for (let hour = 1; hour <= 3; hour++) {
      clock.advance(HOUR);
      await vi.advanceTimersByTimeAsync(HOUR);
      await Promise.all([a.settled(), b.settled()]);
    }
    expect(runs).toEqual(["a", "a", "a", "a"]);

    // `a` dies (its timer stops, its lease is not given back): `b` takes over once it lapses,
    // within a period and a half.
    await a.stop();
    jobs.splice(jobs.indexOf(a), 1);
    clock.advance(HOUR);
    await vi.advanceTimersByTimeAsync(HOUR);
    await b.settled();
    expect(runs.slice(4)).toEqual([]);
    clock.advance(HOUR);
    await vi.advanceTimersByTimeAsync(HOUR);
    await b.settled();
    expect(runs.slice(4)).toEqual(["b"]);
  });

  it("logs a failed run and tries again next period", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const errors: string[] = [];
    const log = { error: (_: object, msg: string) => errors.push(msg) } as unknown as Parameters<
      typeof runPeriodically
    >[0]["log"];
    let calls = 0;
    const job = runPeriodically(
      { db, clock, holder: "a", log },
      {
        name: "flaky",
        everyMs: HOUR,
        run: () => (++calls === 1 ? Promise.reject(new Error("disk full")) : Promise.resolve()),
      },
    );
    jobs.push(job);
    await job.first;
    expect(errors).toEqual(["flaky failed; it is retried next period"]);
    clock.advance(HOUR);
    await vi.advanceTimersByTimeAsync(HOUR);
    await job.settled();
    expect(calls).toBe(2);
  });
});
