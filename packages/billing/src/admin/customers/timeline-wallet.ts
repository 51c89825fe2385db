import { walletEntries, type Db } from "@folio/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import { pastCursor, type Candidate, type Cursor } from "./timeline-cursor.ts";

// Credit wallet movements on a customer's timeline: packs bought, credits expired and packs
// refunded. Staff grants and debits are there already as their audited actions, and usage
// draw-downs (one per usage event) would bury everything else: they are on the Wallets page.

const SHOWN = ["top_up", "expiry", "pack_refund"] as const;

export function walletSource(
  db: Db,
  userId: string,
  cursor: Cursor | null,
  n: number,
): Promise<Candidate[]> {
  const source = "wallet";
  return db
    .select({
      id: walletEntries.id,
      at: walletEntries.at,
      type: walletEntries.type,
      units: walletEntries.units,
      balanceAfter: walletEntries.balanceAfter,
      orderId: walletEntries.orderId,
    })
    .from(walletEntries)
    .where(
      and(
        eq(walletEntries.userId, userId),
        inArray(walletEntries.type, [...SHOWN]),
        pastCursor(cursor, source, walletEntries.at, walletEntries.id),
      ),
    )
    .orderBy(desc(walletEntries.at), desc(walletEntries.id))
    .limit(n)
    .then((rows) =>
      rows.map((r) => ({
        source,
        id: r.id,
        entry: {
          kind: "wallet" as const,
          key: `wallet:${r.id}`,
          at: r.at,
          entryId: r.id,
          type: r.type,
          units: r.units,
          balanceAfter: r.balanceAfter,
          orderId: r.orderId,
        },
      })),
    );
}
