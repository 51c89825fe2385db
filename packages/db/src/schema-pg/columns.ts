import { bigint } from "drizzle-orm/pg-core";

// How the SQLite column kinds are stored on PostgreSQL so the SQLite query builder's encoded
// values and its decoders work unchanged (see src/client.ts):
//   integer (plain, money)              → bigint, read back as a JS number by the driver
//   integer { mode: "timestamp_ms" }    → bigint epoch milliseconds (`epochMs`)
//   integer { mode: "boolean" }         → boolean (accepts the builder's 1/0)
//   integer primaryKey autoIncrement    → `autoId` + the identity-fill trigger (migration 0001)
//   text { mode: "json" }               → jsonb (returned as text; the builder parses it)
//   text (enums too)                    → text
// schema-lockstep.test.ts holds both schemas to these rules.

/** A whole number: money in minor units, counts. */
export const int = (name: string) => bigint(name, { mode: "number" });

/** Epoch milliseconds, what SQLite's `integer(…, { mode: "timestamp_ms" })` stores. */
export const epochMs = (name: string) => bigint(name, { mode: "number" });

/**
 * SQLite's `integer("id").primaryKey({ autoIncrement: true })`. The SQLite builder sends an
 * explicit NULL for an omitted id, which an identity column refuses, so every table using this
 * needs the `fill_identity_id` trigger (migrations/postgres/0001_audit_append_only_and_identity_fill.sql).
 */
export const autoId = (name = "id") =>
  bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();
