import type { Clock } from "@folio/billing";
import { acquireLease, type Db } from "@folio/db";
import type { FastifyBaseLogger } from "fastify";

export interface PeriodicJob {
  /** Also the lease's name: one run per period across every instance on the database. */
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export interface RunningJob {
  /** The run at start (whether or not this instance got the lease); for tests. */
  readonly first: Promise<void>;
  /** Resolves once no run is in progress; for tests. */
  settled(): Promise<void>;
  /** Stops the timer and waits for a run in progress (so the database can close after). */
  stop(): Promise<void>;
}

/**
 * Runs `job` now and then every `everyMs`, but only while this instance holds the job's lease.
 * The lease lasts one period and is not given back after a run: holding it until the next tick
 * is what keeps another instance from running the job again within the same period. The holder
 * renews it on each tick; when the holder dies its lease lapses after at most a period and the
 * next instance to tick takes over. A tick while the previous run is still going is skipped.
 */
export function runPeriodically(
  deps: { db: Db; clock: Clock; holder: string; log: FastifyBaseLogger },
  job: PeriodicJob,
): RunningJob {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return running;
    running = (async () => {
      try {
        if (await acquireLease(deps.db, job.name, deps.holder, deps.clock.now(), job.everyMs)) {
          await job.run();
        }
      } catch (err) {
        deps.log.error({ err, job: job.name }, `${job.name} failed; it is retried next period`);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const first = tick();
  const timer = setInterval(() => void tick(), job.everyMs).unref();
  return {
    first,
    settled: async () => {
      await running;
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
