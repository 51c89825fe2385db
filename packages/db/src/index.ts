export * from "./schema/index.ts";
export * as schema from "./schema/index.ts";
export {
  closeDb,
  createDb,
  dialectOf,
  inTransaction,
  isUniqueViolation,
  maintainDb,
  pingDb,
  withSavepoint,
  withTransaction,
  writersWaiting,
  type DatabaseConfig,
  type Db,
  type Dialect,
  type TransactionOptions,
  type Tx,
} from "./client.ts";
export { writeCourtesyState } from "./driver/sqlite.ts";
export * from "./pagination.ts";
export { perHandle, preparedInsert } from "./prepared.ts";
export * from "./mirror.ts";
export * from "./inbox.ts";
export { commitTogether } from "./group-commit.ts";
export { lockKeys } from "./locks.ts";
export { claimJobs, nextJobDueAt, renewJobLeases, type JobRow } from "./jobs.ts";
export * from "./usage-batch.ts";
