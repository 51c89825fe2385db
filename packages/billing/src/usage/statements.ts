import { apiKeys, meters, perHandle, usageCounters, users, wallets, type Db } from "@folio/db";
import { and, asc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";

// The usage API's per-request and per-customer statements, built (and their SQL rendered) once
// per database handle: at ten thousand events a second, building a Drizzle query cost more than
// running it. Per-event rows go in multi-row statements instead (`@folio/db` usage-batch.ts).

const p = (name: string) => sql.placeholder(name);

function build(db: Db) {
  const c = usageCounters;
  return {
    apiKeyByHash: db
      .select({
        id: apiKeys.id,
        scopes: apiKeys.scopes,
        revokedAt: apiKeys.revokedAt,
        lastUsedAt: apiKeys.lastUsedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.secretHash, p("hash")))
      .prepare(),
    /** Users whose id or external id is `ref` (the caller keeps customers). */
    usersByRef: db
      .select({ id: users.id, externalId: users.externalId, role: users.role })
      .from(users)
      .where(or(eq(users.id, p("ref")), eq(users.externalId, p("ref"))))
      .prepare(),
    activeMeters: db
      .select()
      .from(meters)
      .where(isNull(meters.archivedAt))
      .orderBy(asc(meters.key))
      .prepare(),
    countersAt: db
      .select()
      .from(c)
      .where(and(eq(c.userId, p("userId")), lte(c.periodStart, p("at")), gt(c.periodEnd, p("at"))))
      .prepare(),
    ensureWallet: db
      .insert(wallets)
      .values({ userId: p("userId"), balance: 0, updatedAt: p("at") })
      .onConflictDoNothing({ target: wallets.userId })
      .prepare(),
    setLastAdded: db
      .update(wallets)
      .set({ lastAdded: sql`${p("units")}` })
      .where(eq(wallets.userId, p("userId")))
      .prepare(),
    balance: db
      .select({ balance: wallets.balance, lastAdded: wallets.lastAdded })
      .from(wallets)
      .where(eq(wallets.userId, p("userId")))
      .prepare(),
  };
}

/** The prepared statements of `db`. */
export const statements = perHandle(build);
