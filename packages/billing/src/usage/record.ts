import {
  usageCounters,
  usageDaily,
  usageEvents,
  withTransaction,
  type Db,
  type Tx,
} from "@folio/db";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { balanceOf, debitUsage, lockWallets, type WalletMove } from "../wallets/ledger.ts";
import {
  checkEvent,
  isUsageError,
  metersByKey,
  resolveCustomers,
  type UsageEventError,
} from "./input.ts";
import { dayOf } from "./period.ts";
import { countersAt, openPeriod, type CounterRow } from "./plan.ts";

export type { UsageEventInput } from "./input.ts";

/** Most events one call (one API request) may carry. */
export const MAX_BATCH = 1000;

export interface RecordedUsage {
  index: number;
  /** `duplicate`: the idempotency key was seen before; the first recording's result, unchanged. */
  status: "recorded" | "duplicate";
  eventId: number;
  customerId: string;
  meter: string;
  quantity: number;
  periodStart: Date;
  /** How the quantity was covered: the period's allowance, wallet credits, billed overage. */
  included: number;
  credits: number;
  overage: number;
}

export type UsageEventResult =
  RecordedUsage | { index: number; status: "rejected"; error: UsageEventError };

interface Accepted {
  index: number;
  userId: string;
  meter: string;
  quantity: number;
  at: Date;
  key: string;
}

/** A counter and what this call adds to it. */
interface Tally {
  row: CounterRow;
  quantity: number;
  included: number;
  credits: number;
  overage: number;
}

/**
 * Records usage events in one transaction, each drawn down in order: the period's included
 * allowance first, then wallet credits, then — as the plan says — refused (`blocked`, or
 * `credits` with too few credits) or billed as overage (`metered`). An event is covered whole or
 * refused whole. A replayed idempotency key returns the first result and changes nothing. Writers
 * of the same customers are serialized (`lockWallets`), so concurrent calls never overspend.
 */
export async function recordUsage(
  { db, clock }: { db: Db; clock: Clock },
  events: readonly unknown[],
  opts: { apiKeyId?: string | null } = {},
): Promise<UsageEventResult[]> {
  const now = clock.now();
  const results: UsageEventResult[] = new Array<UsageEventResult>(events.length);
  const checked = events.map((e) => checkEvent(e, now));
  const ok = checked.flatMap((c) => (isUsageError(c) ? [] : [c]));
  const customers = await resolveCustomers(db, [...new Set(ok.map((c) => c.customer))]);
  const meters = await metersByKey(db, [...new Set(ok.map((c) => c.meter))]);

  const byUser = new Map<string, Accepted[]>();
  checked.forEach((c, index) => {
    const reject = (error: UsageEventError) =>
      (results[index] = { index, status: "rejected", error });
    if (isUsageError(c)) return reject(c);
    const userId = customers.get(c.customer);
    if (!userId) {
      return reject({
        code: "unknown_customer",
        field: "customer",
        message: `No customer has the id or external id ${JSON.stringify(c.customer)}.`,
      });
    }
    const meter = meters.get(c.meter);
    if (!meter || meter.archivedAt !== null) {
      return reject({
        code: "unknown_meter",
        field: "meter",
        message: `No active meter has the key ${JSON.stringify(c.meter)}.`,
      });
    }
    if (meter.aggregation === "count" && c.quantity !== null && c.quantity !== 1) {
      return reject({
        code: "invalid",
        field: "quantity",
        message: `${meter.key} counts events: send one event per ${meter.unitLabel} (quantity 1 or none).`,
      });
    }
    const a = {
      index,
      userId,
      meter: meter.key,
      quantity: c.quantity ?? 1,
      at: c.at,
      key: c.idempotencyKey,
    };
    byUser.set(userId, [...(byUser.get(userId) ?? []), a]);
  });
  if (byUser.size === 0) return results;

  await withTransaction(db, async (tx) => {
    await lockWallets(tx, byUser.keys());
    for (const [userId, list] of byUser) {
      for (const r of await recordForCustomer(tx, userId, list, now, opts.apiKeyId ?? null)) {
        results[r.index] = r;
      }
    }
  });
  return results;
}

async function recordForCustomer(
  tx: Tx,
  userId: string,
  list: Accepted[],
  now: Date,
  apiKeyId: string | null,
): Promise<UsageEventResult[]> {
  const out: UsageEventResult[] = [];
  const seen = new Map<string, RecordedUsage>();
  for (const e of await tx
    .select()
    .from(usageEvents)
    .where(
      and(
        eq(usageEvents.userId, userId),
        inArray(
          usageEvents.idempotencyKey,
          list.map((a) => a.key),
        ),
      ),
    )) {
    seen.set(e.idempotencyKey, {
      index: -1,
      status: "duplicate",
      eventId: e.id,
      customerId: userId,
      meter: e.meterKey,
      quantity: e.quantity,
      periodStart: e.periodStart,
      included: e.includedQuantity,
      credits: e.creditsQuantity,
      overage: e.overageQuantity,
    });
  }

  const tallies: Tally[] = [];
  const tallyFor = async (meter: string, at: Date): Promise<Tally> => {
    const covers = (t: Tally) =>
      t.row.meterKey === meter && t.row.periodStart <= at && t.row.periodEnd > at;
    let t = tallies.find(covers);
    if (t) return t;
    let rows = await countersAt(tx, userId, at);
    if (!rows.some((r) => r.meterKey === meter)) rows = await openPeriod(tx, userId, at, now);
    for (const row of rows) {
      if (!tallies.some((x) => x.row.id === row.id)) {
        tallies.push({ row, quantity: 0, included: 0, credits: 0, overage: 0 });
      }
    }
    t = tallies.find(covers);
    if (!t) throw new Error(`no usage counter for ${userId} ${meter} at ${at.toISOString()}`);
    return t;
  };

  const startBalance = await balanceOf(tx, userId);
  let balance = startBalance;
  const fresh: { a: Accepted; t: Tally; included: number; credits: number; overage: number }[] = [];
  for (const a of list) {
    const prior = seen.get(a.key);
    if (prior) {
      out.push({ ...prior, index: a.index });
      continue;
    }
    const t = await tallyFor(a.meter, a.at);
    const { included: cap, overage: mode } = t.row;
    const left = cap === null ? Infinity : Math.max(0, cap - t.row.includedUsed - t.included);
    const included = Math.min(a.quantity, left);
    const rest = a.quantity - included;
    const credits = mode === "blocked" ? 0 : Math.min(rest, balance);
    const overage = mode === "metered" ? rest - credits : 0;
    if (included + credits + overage < a.quantity) {
      out.push({
        index: a.index,
        status: "rejected",
        error: limitReached(a, t.row, mode, balance),
      });
      continue;
    }
    t.quantity += a.quantity;
    t.included += included;
    t.credits += credits;
    t.overage += overage;
    balance -= credits;
    fresh.push({ a, t, included, credits, overage });
    // Later events in this call with the same key are replays of this one.
    seen.set(a.key, {
      index: -1,
      status: "duplicate",
      eventId: 0,
      customerId: userId,
      meter: a.meter,
      quantity: a.quantity,
      periodStart: t.row.periodStart,
      included,
      credits,
      overage,
    });
  }
  if (fresh.length === 0) return out;

  const inserted = await tx
    .insert(usageEvents)
    .values(
      fresh.map(({ a, t, included, credits, overage }) => ({
        userId,
        meterKey: a.meter,
        quantity: a.quantity,
        occurredAt: a.at,
        periodStart: t.row.periodStart,
        idempotencyKey: a.key,
        apiKeyId,
        includedQuantity: included,
        creditsQuantity: credits,
        overageQuantity: overage,
        recordedAt: now,
      })),
    )
    .returning({ id: usageEvents.id, key: usageEvents.idempotencyKey });
  const ids = new Map(inserted.map((r) => [r.key, r.id]));
  for (const r of out)
    if (r.status === "duplicate" && r.eventId === 0) r.eventId = ids.get(keyOf(list, r.index))!;
  for (const f of fresh) {
    out.push({
      index: f.a.index,
      status: "recorded",
      eventId: ids.get(f.a.key)!,
      customerId: userId,
      meter: f.a.meter,
      quantity: f.a.quantity,
      periodStart: f.t.row.periodStart,
      included: f.included,
      credits: f.credits,
      overage: f.overage,
    });
  }

  for (const t of tallies) if (t.quantity > 0) await applyTally(tx, t, now);
  await addDaily(
    tx,
    userId,
    fresh.map((f) => f.a),
  );
  const moves: WalletMove[] = fresh
    .filter((f) => f.credits > 0)
    .map((f) => ({
      userId,
      type: "usage",
      units: f.credits,
      sourceId: `usage:${ids.get(f.a.key)!}`,
      actor: { type: apiKeyId ? "api_key" : "job", id: apiKeyId ?? "usage" },
      at: now,
      usageEventId: ids.get(f.a.key)!,
      meterKey: f.a.meter,
    }));
  await debitUsage(tx, userId, startBalance, moves);
  return out;
}

const keyOf = (list: Accepted[], index: number) => list.find((a) => a.index === index)!.key;

function limitReached(
  a: Accepted,
  row: CounterRow,
  mode: string,
  balance: number,
): UsageEventError {
  const plan =
    row.included === null
      ? ""
      : `The plan's ${row.included.toLocaleString("en")} included for this period are used up`;
  const message =
    mode === "blocked"
      ? `${plan || "Nothing is included"}; this plan does not allow more ${a.meter} until the period ends on ${row.periodEnd.toISOString()}.`
      : `${plan || "The plan includes none"} and the wallet holds ${balance} credits; this event needs ${a.quantity}. Buy credits or upgrade the plan.`;
  return { code: "limit_reached", field: "quantity", message };
}

async function applyTally(tx: Tx, t: Tally, now: Date): Promise<void> {
  const c = usageCounters;
  const changed = await tx
    .update(c)
    .set({
      quantity: sql`${c.quantity} + ${t.quantity}`,
      includedUsed: sql`${c.includedUsed} + ${t.included}`,
      creditsUsed: sql`${c.creditsUsed} + ${t.credits}`,
      overageQuantity: sql`${c.overageQuantity} + ${t.overage}`,
      updatedAt: now,
    })
    // Never past the allowance, whatever happened between our read and this write.
    .where(
      and(
        eq(c.id, t.row.id),
        or(isNull(c.included), sql`${c.includedUsed} + ${t.included} <= ${c.included}`),
      ),
    )
    .returning({ id: c.id });
  if (changed.length !== 1)
    throw new Error(`usage counter ${t.row.id} moved while usage was drawn (not serialized)`);
}

async function addDaily(tx: Tx, userId: string, accepted: Accepted[]): Promise<void> {
  const days = new Map<string, { meterKey: string; day: Date; quantity: number }>();
  for (const a of accepted) {
    const day = dayOf(a.at);
    const k = `${a.meter} ${day.getTime()}`;
    const d = days.get(k) ?? { meterKey: a.meter, day, quantity: 0 };
    d.quantity += a.quantity;
    days.set(k, d);
  }
  await tx
    .insert(usageDaily)
    .values([...days.values()].map((d) => ({ userId, ...d })))
    .onConflictDoUpdate({
      target: [usageDaily.userId, usageDaily.meterKey, usageDaily.day],
      set: { quantity: sql`${usageDaily.quantity} + excluded.quantity` },
    });
}
