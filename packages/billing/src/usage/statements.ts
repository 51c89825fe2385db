import {
  meters,
  usageCounters,
  usageDaily,
  usageEvents,
  users,
  walletEntries,
  walletLots,
  wallets,
  type Db,
} from "@folio/db";
import { and, asc, eq, gt, isNull, lte, or, sql, type AnyColumn } from "drizzle-orm";

// The usage path's per-row statements, built (and their SQL rendered) once per database handle:
// at ten thousand events a second, building a Drizzle query cost more than running it. Their
// placeholders take values as stored (times as epoch ms), the same on both dialects.

const p = (name: string) => sql.placeholder(name);
const plus = (column: AnyColumn, name: string) => sql`${column} + ${p(name)}`;

function build(db: Db) {
  const c = usageCounters;
  return {
    insertEvent: db
      .insert(usageEvents)
      .values({
        userId: p("userId"),
        meterKey: p("meterKey"),
        quantity: p("quantity"),
        occurredAt: p("occurredAt"),
        periodStart: p("periodStart"),
        idempotencyKey: p("key"),
        apiKeyId: p("apiKeyId"),
        includedQuantity: p("included"),
        creditsQuantity: p("credits"),
        overageQuantity: p("overage"),
        recordedAt: p("at"),
      })
      .returning({ id: usageEvents.id })
      .prepare(),
    // Never past the allowance, whatever happened between our read and this write.
    bumpCounter: db
      .update(c)
      .set({
        quantity: plus(c.quantity, "quantity"),
        includedUsed: plus(c.includedUsed, "included"),
        creditsUsed: plus(c.creditsUsed, "credits"),
        overageQuantity: plus(c.overageQuantity, "overage"),
        updatedAt: sql`${p("at")}`,
      })
      .where(
        and(
          eq(c.id, p("id")),
          or(
            isNull(c.included),
            sql`${p("included")} = 0`,
            sql`${c.includedUsed} + ${p("included")} <= ${c.included}`,
          ),
        ),
      )
      .returning({ id: c.id })
      .prepare(),
    addDaily: db
      .insert(usageDaily)
      .values({
        userId: p("userId"),
        meterKey: p("meterKey"),
        day: p("day"),
        quantity: p("quantity"),
      })
      .onConflictDoUpdate({
        target: [usageDaily.userId, usageDaily.meterKey, usageDaily.day],
        set: { quantity: sql`${usageDaily.quantity} + excluded.quantity` },
      })
      .prepare(),
    ensureWallet: db
      .insert(wallets)
      .values({ userId: p("userId"), balance: 0, updatedAt: p("at") })
      .onConflictDoNothing({ target: wallets.userId })
      .prepare(),
    moveBalance: db
      .update(wallets)
      .set({ balance: sql`${wallets.balance} + ${p("delta")}`, updatedAt: sql`${p("at")}` })
      .where(eq(wallets.userId, p("userId")))
      .returning({ balance: wallets.balance })
      .prepare(),
    balance: db
      .select({ balance: wallets.balance })
      .from(wallets)
      .where(eq(wallets.userId, p("userId")))
      .prepare(),
    openLots: db
      .select({ id: walletLots.id, remaining: walletLots.remaining })
      .from(walletLots)
      .where(and(eq(walletLots.userId, p("userId")), gt(walletLots.remaining, 0)))
      .orderBy(sql`${walletLots.expiresAt} is null`, asc(walletLots.expiresAt), asc(walletLots.id))
      .prepare(),
    drawLot: db
      .update(walletLots)
      .set({ remaining: sql`${walletLots.remaining} - ${p("units")}` })
      .where(eq(walletLots.id, p("id")))
      .prepare(),
    insertEntry: db
      .insert(walletEntries)
      .values({
        userId: p("userId"),
        type: p("type"),
        units: p("units"),
        balanceAfter: p("balanceAfter"),
        // Usage entries never expire; a null placeholder must skip the timestamp encoder.
        expiresAt: sql`${p("expiresAt")}`,
        reason: p("reason"),
        actorType: p("actorType"),
        actorId: p("actorId"),
        sourceId: p("sourceId"),
        orderId: p("orderId"),
        usageEventId: p("usageEventId"),
        meterKey: p("meterKey"),
        at: p("at"),
      })
      .returning()
      .prepare(),
    customer: db
      .select({ id: users.id })
      .from(users)
      .where(
        and(eq(users.role, "customer"), or(eq(users.id, p("ref")), eq(users.externalId, p("ref")))),
      )
      .prepare(),
    countersAt: db
      .select()
      .from(c)
      .where(and(eq(c.userId, p("userId")), lte(c.periodStart, p("at")), gt(c.periodEnd, p("at"))))
      .prepare(),
    activeMeters: db
      .select()
      .from(meters)
      .where(isNull(meters.archivedAt))
      .orderBy(asc(meters.key))
      .prepare(),
  };
}

const built = new WeakMap<Db, ReturnType<typeof build>>();

/** The prepared statements of `db` (a transaction runs them too: it is the same handle). */
export function statements(db: Db): ReturnType<typeof build> {
  let s = built.get(db);
  if (!s) built.set(db, (s = build(db)));
  return s;
}
