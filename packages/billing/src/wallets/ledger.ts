import {
  drawWalletLots,
  insertUsageDebits,
  lockKeys,
  moveWalletBalances,
  openWalletLots,
  walletEntries,
  walletLots,
  type Tx,
  type WalletActorType,
  type WalletEntryType,
} from "@folio/db";
import { eq } from "drizzle-orm";
import { actorId, type Actor } from "../audit/actor.ts";
import { DomainError } from "../errors.ts";
import { statements } from "../usage/statements.ts";
import { lowBalanceThreshold, notifyIfLowBalance } from "./low-balance.ts";

// The one place wallet balances change. Every change is a ledger entry keyed by its cause
// (`sourceId`, unique) and the balance row moves by the same units in the same transaction; the
// CHECK on wallets.balance makes a negative balance impossible whatever the caller computed.
// Callers serialize per customer first (`lockWallets`).

/**
 * Serializes every writer of these customers' wallets and usage counters until the transaction
 * ends (PostgreSQL: transaction-scoped advisory locks in sorted order; SQLite: write transactions
 * are serialized already). Reads after it see what the previous holder committed.
 */
export function lockWallets(tx: Tx, userIds: Iterable<string>): Promise<void> {
  return lockKeys(
    tx,
    [...userIds].map((id) => `wallet:${id}`),
  );
}

export interface WalletActor {
  type: WalletActorType;
  id: string | null;
}

export const walletActor = (actor: Actor): WalletActor => ({
  type: actor.type,
  id: actorId(actor),
});

export interface WalletMove {
  userId: string;
  type: WalletEntryType;
  /** Always positive here; credit() adds, debit() removes. */
  units: number;
  sourceId: string;
  actor: WalletActor;
  at: Date;
  reason?: string | null;
  orderId?: string | null;
  usageEventId?: number | null;
  meterKey?: string | null;
}

export type WalletEntryRow = typeof walletEntries.$inferSelect;

/** The entry a cause already made, if any (how replays are recognised). */
export async function entryBySource(tx: Tx, sourceId: string): Promise<WalletEntryRow | undefined> {
  return tx.select().from(walletEntries).where(eq(walletEntries.sourceId, sourceId)).get();
}

/** The balance, 0 for a customer who never had a wallet. */
export async function balanceOf(tx: Tx, userId: string): Promise<number> {
  return (await walletOf(tx, userId)).balance;
}

/** The balance (0 for a customer who never had a wallet) and the units last added. */
export async function walletOf(
  tx: Tx,
  userId: string,
): Promise<{ balance: number; lastAdded: number | null }> {
  const [row] = await statements(tx).balance.all({ userId });
  return { balance: row?.balance ?? 0, lastAdded: row?.lastAdded ?? null };
}

async function moveBalance(tx: Tx, userId: string, delta: number, at: Date): Promise<number> {
  await statements(tx).ensureWallet.run({ userId, at });
  const after = await moveWalletBalances(tx, [{ userId, delta }], at);
  return after.get(userId)!;
}

const entryValues = (
  m: WalletMove,
  units: number,
  balanceAfter: number,
  expiresAt: Date | null,
) => ({
  userId: m.userId,
  type: m.type,
  units,
  balanceAfter,
  expiresAt,
  reason: m.reason ?? null,
  actorType: m.actor.type,
  actorId: m.actor.id,
  sourceId: m.sourceId,
  orderId: m.orderId ?? null,
  usageEventId: m.usageEventId ?? null,
  meterKey: m.meterKey ?? null,
  at: m.at,
});

/** Adds credits as a new lot (top-up or grant). Replaying the same source changes nothing. */
export async function credit(
  tx: Tx,
  move: WalletMove,
  expiresAt: Date | null = null,
): Promise<WalletEntryRow> {
  const seen = await entryBySource(tx, move.sourceId);
  if (seen) return seen;
  const balanceAfter = await moveBalance(tx, move.userId, move.units, move.at);
  // Top-ups and grants are the yardstick for "credits are low"; other credits are not.
  if (move.type === "top_up" || move.type === "grant") {
    await statements(tx).setLastAdded.run({ userId: move.userId, units: move.units });
  }
  const entry = await tx
    .insert(walletEntries)
    .values(entryValues(move, move.units, balanceAfter, expiresAt))
    .returning()
    .get();
  await tx.insert(walletLots).values({
    userId: move.userId,
    entryId: entry.id,
    units: move.units,
    remaining: move.units,
    expiresAt,
    createdAt: move.at,
  });
  return entry;
}

/**
 * Removes credits: from one lot (expiry, pack refund) or from the open lots, soonest-expiring
 * first. Refuses more than the balance. Replaying the same source changes nothing.
 */
export async function debit(tx: Tx, move: WalletMove, fromLot?: number): Promise<WalletEntryRow> {
  const seen = await entryBySource(tx, move.sourceId);
  if (seen) return seen;
  const { balance, lastAdded } = await walletOf(tx, move.userId);
  if (move.units > balance) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The wallet holds ${balance} credits; ${move.units} cannot be taken from it.`,
      { balance },
    );
  }
  await drawLots(tx, move.userId, move.units, fromLot);
  const balanceAfter = await moveBalance(tx, move.userId, -move.units, move.at);
  const entry = await tx
    .insert(walletEntries)
    .values(entryValues(move, -move.units, balanceAfter, null))
    .returning()
    .get();
  // A pack refund is the customer taking their money back: no "buy more credits" for that.
  if (move.type === "pack_refund") return entry;
  await notifyIfLowBalance(tx, {
    userId: move.userId,
    lastAdded,
    before: balance,
    after: balanceAfter,
    cause: move.sourceId,
    at: move.at,
  });
  return entry;
}

type OpenLot = Awaited<ReturnType<typeof openWalletLots>>[number];

/** What to take from which of a customer's open lots to draw `units`: soonest expiry first,
 * then oldest. Throws if they hold less (the balance said yes: a broken ledger is never papered
 * over). */
function planDraws(
  userId: string,
  lots: readonly OpenLot[],
  units: number,
): { lotId: number; units: number }[] {
  const expiry = (lot: OpenLot) => lot.expiresAt ?? Infinity;
  const draws: { lotId: number; units: number }[] = [];
  let left = units;
  for (const lot of [...lots].sort((x, y) => expiry(x) - expiry(y) || x.id - y.id)) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    draws.push({ lotId: lot.id, units: take });
    left -= take;
  }
  if (left > 0) {
    throw new Error(`wallet lots of ${userId} hold ${units - left} of the ${units} credits drawn`);
  }
  return draws;
}

/** Takes `units` from the customer's open lots (or one lot), soonest expiry first, then oldest. */
export async function drawLots(
  tx: Tx,
  userId: string,
  units: number,
  fromLot?: number,
): Promise<void> {
  const lots = (await openWalletLots(tx, [userId])).filter(
    (lot) => fromLot === undefined || lot.id === fromLot,
  );
  await drawWalletLots(tx, planDraws(userId, lots, units));
}

/** One customer's usage draw-down in a call: the balance read at its start and the moves. */
export interface UsageDebit {
  userId: string;
  start: { balance: number; lastAdded: number | null };
  moves: WalletMove[];
}

/**
 * Usage draw-down for many customers and events at once (the usage API's calls): one read of the
 * open lots, one statement each to draw them, to move the balances and to append the `usage`
 * entries (each carrying its running balance), whatever the number of customers.
 */
export async function debitUsage(tx: Tx, debits: readonly UsageDebit[]): Promise<void> {
  const live = debits
    .filter((d) => d.moves.length > 0)
    .map((d) => ({ ...d, total: d.moves.reduce((a, m) => a + m.units, 0) }));
  if (live.length === 0) return;

  const lotsOf = new Map<string, OpenLot[]>();
  for (const lot of await openWalletLots(
    tx,
    live.map((d) => d.userId),
  )) {
    const list = lotsOf.get(lot.userId) ?? [];
    list.push(lot);
    lotsOf.set(lot.userId, list);
  }
  const draws = live.flatMap((d) => planDraws(d.userId, lotsOf.get(d.userId) ?? [], d.total));
  await drawWalletLots(tx, draws);

  const at = live[0]!.moves.at(-1)!.at;
  const after = await moveWalletBalances(
    tx,
    live.map((d) => ({ userId: d.userId, delta: -d.total })),
    at,
  );
  for (const d of live) {
    if (after.get(d.userId) !== d.start.balance - d.total) {
      throw new Error(`wallet of ${d.userId} moved while its usage was drawn (not serialized)`);
    }
  }

  await insertUsageDebits(
    tx,
    live.flatMap((d) => {
      let running = d.start.balance;
      return d.moves.map((m) => ({
        userId: d.userId,
        units: -m.units,
        balanceAfter: (running -= m.units),
        actorType: m.actor.type,
        actorId: m.actor.id,
        sourceId: m.sourceId,
        usageEventId: m.usageEventId!,
        meterKey: m.meterKey!,
        at: m.at,
      }));
    }),
  );

  for (const d of live) {
    // A call only goes down, so it crosses the threshold at most once: keyed by the event that
    // took the balance below it.
    const before = d.start.balance;
    const threshold = lowBalanceThreshold(d.start.lastAdded);
    const balance = before - d.total;
    if (threshold === null || balance >= threshold || before < threshold) continue;
    let running = before;
    const crossing = d.moves.find((m) => (running -= m.units) < threshold)!;
    await notifyIfLowBalance(tx, {
      userId: d.userId,
      lastAdded: d.start.lastAdded,
      before,
      after: balance,
      cause: crossing.sourceId,
      at: crossing.at,
    });
  }
}
