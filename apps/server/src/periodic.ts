import type { Clock } from "@folio/billing";
import { acquireLease, type Db } from "@folio/db";
import type { FastifyBaseLogger } from "fastify";

/** How many periods a lease outlives its last renewal (see runPeriodically). */
const LEASE_PERIODS = 1.5;

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
 * The lease is not given back after a run and lasts a period and a half: still held at the
 * holder's next tick (which renews it), so another instance ticking at about the same moment
 * cannot take it and run the job a second time in the period. When the holder dies its lease
 * lapses within a period and a half and the next instance to tick takes over (one period may go
 * without a run). A tick while the previous run is still going is skipped.
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
        const ttl = job.everyMs * LEASE_PERIODS;
        if (await acquireLease(deps.db, job.name, deps.holder, deps.clock.now(), ttl)) {
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
