import {
  keysetPage,
  meters,
  users,
  walletEntries,
  wallets,
  type Db,
  type Page,
  type WalletActorType,
  type WalletEntryType,
} from "@folio/db";
import { and, eq, gte, lt } from "drizzle-orm";

export interface WalletTransaction {
  id: number;
  userId: string;
  customerName: string;
  customerEmail: string;
  type: WalletEntryType;
  /** Signed: positive added credits, negative removed them. */
  units: number;
  balanceAfter: number;
  expiresAt: Date | null;
  reason: string | null;
  actorType: WalletActorType;
  actorId: string | null;
  orderId: string | null;
  usageEventId: number | null;
  meterKey: string | null;
  /** The meter's display name ("API calls"), for usage entries. */
  meterName: string | null;
  at: Date;
}

export interface WalletTransactionFilter {
  userId?: string | undefined;
  type?: WalletEntryType | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** A customer's credit balance (0 before their first top-up). */
export async function walletBalance(
  db: Db,
  userId: string,
): Promise<{ balance: number; updatedAt: Date | null }> {
  const row = await db
    .select({ balance: wallets.balance, updatedAt: wallets.updatedAt })
    .from(wallets)
    .where(eq(wallets.userId, userId))
    .get();
  return row ?? { balance: 0, updatedAt: null };
}

/**
 * Wallet ledger entries, newest first, keyset-paginated; for one customer (the portal, always
 * with the signed-in customer's id) or everyone (admin), by type and time.
 */
export async function listWalletTransactions(
  db: Db,
  f: WalletTransactionFilter,
): Promise<Page<WalletTransaction>> {
  const e = walletEntries;
  return keysetPage({
    sort: { column: e.at, key: "at", direction: "desc" },
    id: { column: e.id, key: "id" },
    cursor: f.cursor,
    limit: f.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: e.id,
          userId: e.userId,
          customerName: users.name,
          customerEmail: users.email,
          type: e.type,
          units: e.units,
          balanceAfter: e.balanceAfter,
          expiresAt: e.expiresAt,
          reason: e.reason,
          actorType: e.actorType,
          actorId: e.actorId,
          orderId: e.orderId,
          usageEventId: e.usageEventId,
          meterKey: e.meterKey,
          meterName: meters.name,
          at: e.at,
        })
        .from(e)
        .innerJoin(users, eq(users.id, e.userId))
        .leftJoin(meters, eq(meters.key, e.meterKey))
        .where(
          and(
            f.userId === undefined ? undefined : eq(e.userId, f.userId),
            f.type === undefined ? undefined : eq(e.type, f.type),
            f.from === undefined ? undefined : gte(e.at, f.from),
            f.to === undefined ? undefined : lt(e.at, f.to),
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}
