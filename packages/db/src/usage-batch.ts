import { driverOf, type Tx } from "./client.ts";
import { rowDecoder } from "./rows.ts";
import { usageCounters, usageEvents } from "./schema/usage.ts";

// The usage API's per-call statements, written as SQL (the same text on both dialects): a call
// of 100 events reads and writes with a handful of multi-row statements. Built with the query
// builder they cost more CPU than the database running them — the builder inspects every one of
// a 100-row insert's 1,100 values (BENCHMARKS.md, "Usage API").

/** Rows per multi-row statement (well under SQLite's 32,766 bound parameters). */
const CHUNK = 500;

const list = (n: number, one: string) => Array.from({ length: n }, () => one).join(", ");

async function chunked<T>(items: readonly T[], fn: (chunk: readonly T[]) => Promise<void>) {
  for (let i = 0; i < items.length; i += CHUNK) await fn(items.slice(i, i + CHUNK));
}

const decodeEvent = rowDecoder(usageEvents);
const decodeCounter = rowDecoder(usageCounters);

/** Events already recorded under these (customer, idempotency key) pairs. */
export async function usageEventsByKey(
  tx: Tx,
  pairs: readonly { userId: string; key: string }[],
): Promise<(typeof usageEvents.$inferSelect)[]> {
  const out: (typeof usageEvents.$inferSelect)[] = [];
  await chunked(pairs, async (chunk) => {
    // Pairs, not two IN lists: their cross product is users × keys index probes.
    const rows = await driverOf(tx).rows<Record<string, unknown>>(
      `select * from usage_events where (user_id, idempotency_key) in (${list(chunk.length, "(?, ?)")})`,
      chunk.flatMap((p) => [p.userId, p.key]),
    );
    for (const r of rows) out.push(decodeEvent(r));
  });
  return out;
}

/** These customers' usage counters whose period overlaps [earliest, latest]. */
export async function usageCountersOverlapping(
  tx: Tx,
  userIds: readonly string[],
  earliest: Date,
  latest: Date,
): Promise<(typeof usageCounters.$inferSelect)[]> {
  const out: (typeof usageCounters.$inferSelect)[] = [];
  await chunked(userIds, async (chunk) => {
    const rows = await driverOf(tx).rows<Record<string, unknown>>(
      `select * from usage_counters where user_id in (${list(chunk.length, "?")}) and period_start <= ? and period_end > ?`,
      [...chunk, latest.getTime(), earliest.getTime()],
    );
    for (const r of rows) out.push(decodeCounter(r));
  });
  return out;
}

/** Balances (and units last added) of the customers who have a wallet. */
export async function walletBalances(
  tx: Tx,
  userIds: readonly string[],
): Promise<Map<string, { balance: number; lastAdded: number | null }>> {
  const out = new Map<string, { balance: number; lastAdded: number | null }>();
  await chunked(userIds, async (chunk) => {
    const rows = await driverOf(tx).rows<{
      user_id: string;
      balance: number;
      last_added: number | null;
    }>(
      `select user_id, balance, last_added from wallets where user_id in (${list(chunk.length, "?")})`,
      [...chunk],
    );
    for (const r of rows) out.set(r.user_id, { balance: r.balance, lastAdded: r.last_added });
  });
  return out;
}

export interface NewUsageEvent {
  userId: string;
  meterKey: string;
  quantity: number;
  occurredAt: Date;
  periodStart: Date;
  idempotencyKey: string;
  apiKeyId: string | null;
  includedQuantity: number;
  creditsQuantity: number;
  overageQuantity: number;
  recordedAt: Date;
}

/** Inserts the events; returns each one's id, keyed `${userId} ${idempotencyKey}`. */
export async function insertUsageEvents(
  tx: Tx,
  events: readonly NewUsageEvent[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  await chunked(events, async (chunk) => {
    const params: unknown[] = [];
    for (const e of chunk) {
      params.push(
        e.userId,
        e.meterKey,
        e.quantity,
        e.occurredAt.getTime(),
        e.periodStart.getTime(),
        e.idempotencyKey,
        e.apiKeyId,
        e.includedQuantity,
        e.creditsQuantity,
        e.overageQuantity,
        e.recordedAt.getTime(),
      );
    }
    const rows = await driverOf(tx).rows<{ id: number; user_id: string; idempotency_key: string }>(
      `insert into usage_events (user_id, meter_key, quantity, occurred_at, period_start,
        idempotency_key, api_key_id, included_quantity, credits_quantity, overage_quantity,
        recorded_at) values ${list(chunk.length, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")}
        returning id, user_id, idempotency_key`,
      params,
    );
    // RETURNING's row order is not promised: match by key.
    for (const r of rows) ids.set(`${r.user_id} ${r.idempotency_key}`, r.id);
  });
  return ids;
}

/** Adds quantities to the per-day totals (one row per customer, meter and UTC day). */
export async function addUsageDaily(
  tx: Tx,
  days: readonly { userId: string; meterKey: string; day: Date; quantity: number }[],
): Promise<void> {
  await chunked(days, async (chunk) => {
    await driverOf(tx).run(
      `insert into usage_daily (user_id, meter_key, day, quantity)
        values ${list(chunk.length, "(?, ?, ?, ?)")}
        on conflict (user_id, meter_key, day)
        do update set quantity = usage_daily.quantity + excluded.quantity`,
      chunk.flatMap((d) => [d.userId, d.meterKey, d.day.getTime(), d.quantity]),
    );
  });
}

export interface UsageDebitEntry {
  userId: string;
  /** Negative: credits taken. */
  units: number;
  balanceAfter: number;
  actorType: string;
  actorId: string | null;
  sourceId: string;
  usageEventId: number;
  meterKey: string;
  at: Date;
}

/** Appends `usage` entries to the wallet ledger (the balance and lots move separately). */
export async function insertUsageDebits(
  tx: Tx,
  entries: readonly UsageDebitEntry[],
): Promise<void> {
  await chunked(entries, async (chunk) => {
    await driverOf(tx).run(
      `insert into wallet_entries (user_id, type, units, balance_after, actor_type, actor_id,
        source_id, usage_event_id, meter_key, at)
        values ${list(chunk.length, "(?, 'usage', ?, ?, ?, ?, ?, ?, ?, ?)")}`,
      chunk.flatMap((e) => [
        e.userId,
        e.units,
        e.balanceAfter,
        e.actorType,
        e.actorId,
        e.sourceId,
        e.usageEventId,
        e.meterKey,
        e.at.getTime(),
      ]),
    );
  });
}

export interface CounterBump {
  counterId: number;
  quantity: number;
  included: number;
  credits: number;
  overage: number;
}

/**
 * Adds to usage counters in one statement. A counter is left alone if its share of the
 * allowance would pass the cap (whatever happened since it was read); returns the ids of the
 * counters it changed, so the caller can tell.
 */
export async function bumpUsageCounters(
  tx: Tx,
  bumps: readonly CounterBump[],
  at: Date,
): Promise<Set<number>> {
  const changed = new Set<number>();
  await chunked(bumps, async (chunk) => {
    // VALUES columns are named column1… on both dialects; the casts type PostgreSQL's parameters.
    const int = "cast(? as bigint)";
    const rows = await driverOf(tx).rows<{ id: number }>(
      `update usage_counters set
        quantity = usage_counters.quantity + v.column2,
        included_used = usage_counters.included_used + v.column3,
        credits_used = usage_counters.credits_used + v.column4,
        overage_quantity = usage_counters.overage_quantity + v.column5,
        updated_at = ?
      from (values ${list(chunk.length, `(${list(5, int)})`)}) as v
      where usage_counters.id = v.column1
        and (usage_counters.included is null or v.column3 = 0
          or usage_counters.included_used + v.column3 <= usage_counters.included)
      returning usage_counters.id`,
      [
        at.getTime(),
        ...chunk.flatMap((b) => [b.counterId, b.quantity, b.included, b.credits, b.overage]),
      ],
    );
    for (const r of rows) changed.add(Number(r.id));
  });
  return changed;
}

/** The open lots (credits left) of these customers, unordered. */
export async function openWalletLots(
  tx: Tx,
  userIds: readonly string[],
): Promise<{ id: number; userId: string; remaining: number; expiresAt: number | null }[]> {
  const out: { id: number; userId: string; remaining: number; expiresAt: number | null }[] = [];
  await chunked(userIds, async (chunk) => {
    const rows = await driverOf(tx).rows<{
      id: number;
      user_id: string;
      remaining: number;
      expires_at: number | null;
    }>(
      `select id, user_id, remaining, expires_at from wallet_lots
        where user_id in (${list(chunk.length, "?")}) and remaining > 0`,
      [...chunk],
    );
    for (const r of rows) {
      out.push({ id: r.id, userId: r.user_id, remaining: r.remaining, expiresAt: r.expires_at });
    }
  });
  return out;
}

/** Takes units from lots, one statement for all of them. */
export async function drawWalletLots(
  tx: Tx,
  draws: readonly { lotId: number; units: number }[],
): Promise<void> {
  await chunked(draws, async (chunk) => {
    await driverOf(tx).run(
      `update wallet_lots set remaining = wallet_lots.remaining - v.column2
        from (values ${list(chunk.length, "(cast(? as bigint), cast(? as bigint))")}) as v
        where wallet_lots.id = v.column1`,
      chunk.flatMap((d) => [d.lotId, d.units]),
    );
  });
}

/** Moves existing wallets' balances by `delta`; returns each balance after. */
export async function moveWalletBalances(
  tx: Tx,
  moves: readonly { userId: string; delta: number }[],
  at: Date,
): Promise<Map<string, number>> {
  const after = new Map<string, number>();
  await chunked(moves, async (chunk) => {
    const rows = await driverOf(tx).rows<{ user_id: string; balance: number }>(
      `update wallets set balance = wallets.balance + v.column2, updated_at = ?
        from (values ${list(chunk.length, "(cast(? as text), cast(? as bigint))")}) as v
        where wallets.user_id = v.column1
        returning wallets.user_id, wallets.balance`,
      [at.getTime(), ...chunk.flatMap((m) => [m.userId, m.delta])],
    );
    for (const r of rows) after.set(r.user_id, Number(r.balance));
  });
  return after;
}
