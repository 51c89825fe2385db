import { defineScheduledJob } from "@folio/billing";
import { deleteExpiredSessions } from "../auth/session.ts";
import { pruneRateLimitHits } from "../auth/throttle.ts";

const HOUR_MS = 3_600_000;

/** Hourly, on the hour: expired sessions and throttle hits past their window are deleted. */
export const sweepSessionsJob = defineScheduledJob({
  kind: "auth.sweep_expired",
  nextRunAt: (after) => new Date((Math.floor(after.getTime() / HOUR_MS) + 1) * HOUR_MS),
  run: async ({ db, clock }) => {
    await deleteExpiredSessions(db, clock);
    await pruneRateLimitHits(db, clock);
  },
});
