import {
  addUsageDaily,
  bumpUsageCounters,
  insertUsageEvents,
  usageCountersOverlapping,
  usageEventsByKey,
  walletBalances,
  withTransaction,
  type Db,
  type Tx,
  type usageEvents,
} from "@folio/db";
import type { Clock } from "../clock.ts";
import { debitUsage, lockWallets, type WalletMove } from "../wallets/ledger.ts";
import {
  checkEvent,
  isUsageError,
  metersByKey,
  resolveCustomers,
  type UsageEventError,
} from "./input.ts";
import { dayOf } from "./period.ts";
import { notifyIfLimitReached } from "./limit-alert.ts";
import { openPeriod, type CounterRow } from "./plan.ts";

export type { UsageEventInput } from "./input.ts";

/** Most events one call (one API request) may carry. */
export const MAX_BATCH = 1000;
const NO_WALLET = { balance: 0, lastAdded: null };

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
    const list = byUser.get(userId);
    if (list) list.push(a);
    else byUser.set(userId, [a]);
  });
  if (byUser.size === 0) return results;

  await withTransaction(db, async (tx) => {
    await lockWallets(tx, byUser.keys());
    for (const r of await recordInTx(tx, byUser, now, opts.apiKeyId ?? null)) results[r.index] = r;
  });
  return results;
}

/** What the transaction reads once for the whole call: replays, open counters, balances. */
async function readState(tx: Tx, byUser: Map<string, Accepted[]>) {
  const userIds = [...byUser.keys()];
  const all = [...byUser.values()].flat();
  const times = all.map((a) => a.at.getTime());
  const [earliest, latest] = [new Date(Math.min(...times)), new Date(Math.max(...times))];
  // One after another: a PostgreSQL transaction is one connection, which runs one query at a time.
  const prior = await usageEventsByKey(tx, all);
  const counters = await usageCountersOverlapping(tx, userIds, earliest, latest);
  const balances = await walletBalances(tx, userIds);
  return {
    prior: new Map(prior.map((e) => [`${e.userId} ${e.idempotencyKey}`, e])),
    counters,
    wallets: balances,
  };
}

async function recordInTx(
  tx: Tx,
  byUser: Map<string, Accepted[]>,
  now: Date,
  apiKeyId: string | null,
): Promise<UsageEventResult[]> {
  const out: UsageEventResult[] = [];
  const state = await readState(tx, byUser);
  const tallies: Tally[] = state.counters.map((row) => ({
    row,
    quantity: 0,
    included: 0,
    credits: 0,
    overage: 0,
  }));
  const tallyFor = async (userId: string, meter: string, at: Date): Promise<Tally> => {
    const covers = (t: Tally) =>
      t.row.userId === userId &&
      t.row.meterKey === meter &&
      t.row.periodStart <= at &&
      t.row.periodEnd > at;
    // A plan change can leave a shortened period beside the new one; the later start wins.
    const best = () =>
      tallies
        .filter(covers)
        .sort((x, y) => y.row.periodStart.getTime() - x.row.periodStart.getTime())[0];
    let t = best();
    if (t) return t;
    for (const row of await openPeriod(tx, userId, at, now)) {
      if (!tallies.some((x) => x.row.id === row.id)) {
        tallies.push({ row, quantity: 0, included: 0, credits: 0, overage: 0 });
      }
    }
    t = best();
    if (!t) throw new Error(`no usage counter for ${userId} ${meter} at ${at.toISOString()}`);
    return t;
  };

  const fresh: { r: RecordedUsage; a: Accepted }[] = [];
  /** Replays of an event first seen in this call: their event id is known after the insert. */
  const echoes: { r: RecordedUsage; of: RecordedUsage }[] = [];
  for (const [userId, list] of byUser) {
    let balance = state.wallets.get(userId)?.balance ?? 0;
    const recorded = new Map<string, RecordedUsage>();
    for (const a of list) {
      const first = recorded.get(a.key);
      const prior = first ?? fromRow(state.prior.get(`${userId} ${a.key}`));
      if (prior) {
        const r = { ...prior, index: a.index, status: "duplicate" as const };
        out.push(r);
        if (first) echoes.push({ r, of: first });
        continue;
      }
      const t = await tallyFor(userId, a.meter, a.at);
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
      const r: RecordedUsage = {
        index: a.index,
        status: "recorded",
        eventId: 0,
        customerId: userId,
        meter: a.meter,
        quantity: a.quantity,
        periodStart: t.row.periodStart,
        included,
        credits,
        overage,
      };
      out.push(r);
      recorded.set(a.key, r);
      fresh.push({ r, a });
    }
  }
  if (fresh.length === 0) return out;

  const ids = await insertUsageEvents(
    tx,
    fresh.map(({ r, a }) => ({
      userId: r.customerId,
      meterKey: r.meter,
      quantity: r.quantity,
      occurredAt: a.at,
      periodStart: r.periodStart,
      idempotencyKey: a.key,
      apiKeyId,
      includedQuantity: r.included,
      creditsQuantity: r.credits,
      overageQuantity: r.overage,
      recordedAt: now,
    })),
  );
  for (const { r, a } of fresh) r.eventId = ids.get(`${r.customerId} ${a.key}`)!;
  for (const e of echoes) e.r.eventId = e.of.eventId;

  const actor = { type: apiKeyId ? "api_key" : "job", id: apiKeyId ?? "usage" } as const;
  const moves = new Map<string, WalletMove[]>();
  const days = new Map<string, { userId: string; meterKey: string; day: Date; quantity: number }>();
  for (const { r, a } of fresh) {
    if (r.credits > 0) {
      const list = moves.get(r.customerId) ?? [];
      list.push({
        userId: r.customerId,
        type: "usage",
        units: r.credits,
        sourceId: `usage:${r.eventId}`,
        actor,
        at: now,
        usageEventId: r.eventId,
        meterKey: r.meter,
      });
      moves.set(r.customerId, list);
    }
    const day = dayOf(a.at);
    const k = `${r.customerId} ${r.meter} ${day.getTime()}`;
    const d = days.get(k) ?? { userId: r.customerId, meterKey: r.meter, day, quantity: 0 };
    d.quantity += r.quantity;
    days.set(k, d);
  }
  await debitUsage(
    tx,
    [...moves].map(([userId, list]) => ({
      userId,
      start: state.wallets.get(userId) ?? NO_WALLET,
      moves: list,
    })),
  );

  const drawn = tallies.filter((t) => t.quantity > 0);
  const bumped = await bumpUsageCounters(
    tx,
    drawn.map((t) => ({
      counterId: t.row.id,
      quantity: t.quantity,
      included: t.included,
      credits: t.credits,
      overage: t.overage,
    })),
    now,
  );
  for (const t of drawn) {
    if (!bumped.has(t.row.id)) {
      throw new Error(`usage counter ${t.row.id} moved while usage was drawn (not serialized)`);
    }
    await notifyIfLimitReached(tx, t.row, t.included, now);
  }
  await addUsageDaily(tx, [...days.values()]);
  return out;
}

function fromRow(e: typeof usageEvents.$inferSelect | undefined): RecordedUsage | undefined {
  if (!e) return undefined;
  return {
    index: -1,
    status: "duplicate",
    eventId: e.id,
    customerId: e.userId,
    meter: e.meterKey,
    quantity: e.quantity,
    periodStart: e.periodStart,
    included: e.includedQuantity,
    credits: e.creditsQuantity,
    overage: e.overageQuantity,
  };
}

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
