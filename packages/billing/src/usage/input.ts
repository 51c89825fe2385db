import { meters, users, type Db } from "@folio/db";
import { inArray, or } from "drizzle-orm";
import { statements } from "./statements.ts";

// Validation of usage events, one by one, so a batch can say which event and which field is
// wrong while the others are recorded. Shapes are checked here by hand (not zod) because this
// runs for every event on the hot path and its messages are the API's contract.

/** Events older than this are refused (Stripe's meter events have the same window). */
export const MAX_EVENT_AGE_DAYS = 35;
/** Clock skew tolerated for timestamps slightly ahead of ours. */
export const FUTURE_SKEW_MS = 60_000;
export const MAX_QUANTITY = 1_000_000_000;

export interface UsageEventInput {
  /** Folio customer id (`usr_…`) or the merchant's external id for the customer. */
  customer: string;
  meter: string;
  /** Whole units; defaults to 1. Count meters take only 1. */
  quantity?: number;
  /** ISO 8601 or unix seconds; defaults to now. */
  timestamp?: string | number | Date;
  idempotencyKey: string;
}

export type UsageErrorCode = "invalid" | "unknown_customer" | "unknown_meter" | "limit_reached";

export interface UsageEventError {
  code: UsageErrorCode;
  /** The event field at fault (`customer`, `meter`, `quantity`, `timestamp`, `idempotencyKey`). */
  field: string;
  message: string;
}

export interface CheckedEvent {
  customer: string;
  meter: string;
  quantity: number | null;
  at: Date;
  idempotencyKey: string;
}

const bad = (
  field: string,
  message: string,
  code: UsageErrorCode = "invalid",
): UsageEventError => ({
  code,
  field,
  message,
});

const text = (v: unknown, max: number) =>
  typeof v === "string" && v.trim().length > 0 && v.length <= max;

/** Checks one event's shape and timestamp window; meters and customers are checked later. */
export function checkEvent(raw: unknown, now: Date): CheckedEvent | UsageEventError {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return bad("event", "Each event must be a JSON object.");
  }
  const e = raw as Record<string, unknown>;
  if (!text(e.customer, 200)) {
    return bad("customer", "customer is required: a Folio customer id or your external id.");
  }
  if (!text(e.meter, 100)) return bad("meter", "meter is required: the key of a meter.");
  if (!text(e.idempotencyKey, 255)) {
    return bad(
      "idempotencyKey",
      "idempotencyKey is required (1–255 characters, unique per event).",
    );
  }
  let quantity: number | null = null;
  if (e.quantity !== undefined) {
    const q = e.quantity;
    if (typeof q !== "number" || !Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) {
      return bad(
        "quantity",
        `quantity must be a whole number from 1 to ${MAX_QUANTITY.toLocaleString("en")}.`,
      );
    }
    quantity = q;
  }
  let at = now;
  if (e.timestamp !== undefined) {
    const t = e.timestamp;
    const ms =
      typeof t === "number" && Number.isInteger(t)
        ? t * 1000
        : typeof t === "string" && /^\d{4}-\d{2}-\d{2}T/.test(t)
          ? Date.parse(t)
          : t instanceof Date
            ? t.getTime()
            : NaN;
    if (!Number.isFinite(ms)) {
      return bad("timestamp", "timestamp must be an ISO 8601 date-time or whole unix seconds.");
    }
    if (ms > now.getTime() + FUTURE_SKEW_MS) {
      return bad("timestamp", "timestamp is in the future.");
    }
    if (ms < now.getTime() - MAX_EVENT_AGE_DAYS * 86_400_000) {
      return bad("timestamp", `timestamp is more than ${MAX_EVENT_AGE_DAYS} days old.`);
    }
    at = new Date(ms);
  }
  return {
    customer: (e.customer as string).trim(),
    meter: (e.meter as string).trim(),
    quantity,
    at,
    idempotencyKey: e.idempotencyKey as string,
  };
}

export const isUsageError = (v: CheckedEvent | UsageEventError): v is UsageEventError =>
  "code" in v;

/** Customer references (ids or external ids) to customer ids; unknown references are absent. */
export async function resolveCustomers(db: Db, refs: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (refs.length === 0) return out;
  // The role is checked here, not in SQL: with it there, SQLite walked every customer by role
  // instead of probing the id and external-id indexes.
  const rows = (
    await db
      .select({ id: users.id, externalId: users.externalId, role: users.role })
      .from(users)
      .where(or(inArray(users.id, refs), inArray(users.externalId, refs)))
  ).filter((r) => r.role === "customer");
  // Our ids win over an external id that happens to look the same.
  for (const r of rows) if (r.externalId !== null) out.set(r.externalId, r.id);
  for (const r of rows) out.set(r.id, r.id);
  return out;
}

/** `resolveCustomers` for one reference (the entitlement check), with a prepared statement. */
export async function resolveCustomer(db: Db, ref: string): Promise<string | undefined> {
  const rows = (await statements(db).usersByRef.all({ ref })).filter((r) => r.role === "customer");
  return (rows.find((r) => r.id === ref) ?? rows[0])?.id;
}

export type MeterRow = typeof meters.$inferSelect;

/** Meters by key among `keys` (archived ones included: the caller refuses them). */
export async function metersByKey(db: Db, keys: string[]): Promise<Map<string, MeterRow>> {
  if (keys.length === 0) return new Map();
  const rows = await db.select().from(meters).where(inArray(meters.key, keys));
  return new Map(rows.map((m) => [m.key, m]));
}
