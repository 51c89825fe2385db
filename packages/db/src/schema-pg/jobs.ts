import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { JOB_STATUSES } from "../schema/jobs.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/jobs.ts (schema-lockstep.test.ts keeps them in step).

export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull(),
    attempts: int("attempts").notNull().default(0),
    runAt: epochMs("run_at").notNull(),
    leaseHolder: text("lease_holder"),
    leaseExpiresAt: epochMs("lease_expires_at"),
    lastError: text("last_error"),
    lastFailedAt: epochMs("last_failed_at"),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
    finishedAt: epochMs("finished_at"),
  },
  (t) => [
    uniqueIndex("jobs_by_key").on(t.key),
    index("jobs_due")
      .on(t.runAt, t.id)
      .where(sql`${t.status} = 'queued'`),
    index("jobs_leases")
      .on(t.leaseExpiresAt)
      .where(sql`${t.status} = 'running'`),
    index("jobs_by_status_updated").on(t.status, t.updatedAt),
    index("jobs_failing")
      .on(t.lastFailedAt)
      .where(sql`${t.lastFailedAt} is not null`),
  ],
);
