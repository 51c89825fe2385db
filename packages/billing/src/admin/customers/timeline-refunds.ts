import { refunds, stripeRefunds, type Db } from "@folio/db";
import { and, desc, eq, inArray, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { pastCursor, type Candidate, type Cursor } from "./timeline-cursor.ts";

// Refunds on a customer's timeline: Folio's own (requested, awaiting approval, rejected, at
// Stripe…) with their note and destination, and refunds Stripe holds that Folio did not make
// (issued in Stripe's dashboard) — never the same refund twice.

export function refundsOf(paymentIntents: string[], charges: string[]): SQL {
  const parts: SQL[] = [];
  if (paymentIntents.length) parts.push(inArray(stripeRefunds.paymentIntentId, paymentIntents));
  if (charges.length) parts.push(inArray(stripeRefunds.chargeId, charges));
  return or(...parts)!;
}

export function refundSources(
  db: Db,
  objects: { paymentIntents: string[]; charges: string[]; stripeCustomerId: string | null },
  cursor: Cursor | null,
  n: number,
): Promise<Candidate[]>[] {
  const sources: Promise<Candidate[]>[] = [];
  if (objects.stripeCustomerId) {
    sources.push(
      db
        .select({
          id: refunds.id,
          at: refunds.createdAt,
          amount: refunds.amount,
          currency: refunds.currency,
          status: refunds.status,
          reason: refunds.reason,
          note: refunds.note,
          destination: refunds.destination,
        })
        .from(refunds)
        .where(
          and(
            eq(refunds.stripeCustomerId, objects.stripeCustomerId),
            pastCursor(cursor, "refund", refunds.createdAt, refunds.id),
          ),
        )
        .orderBy(desc(refunds.createdAt), desc(refunds.id))
        .limit(n)
        .then((rows) =>
          rows.map((r) => ({
            source: "refund",
            id: r.id,
            entry: {
              kind: "refund",
              key: `refund:${r.id}`,
              at: r.at,
              refundId: r.id,
              origin: "folio",
              status: r.status,
              reason: r.reason,
              note: r.note,
              destination: r.destination,
              money: { amount: 0 - r.amount, currency: r.currency },
            },
          })),
        ),
    );
  }
  if (objects.paymentIntents.length + objects.charges.length) {
    const source = "refund.stripe";
    sources.push(
      db
        .select({
          id: stripeRefunds.id,
          at: stripeRefunds.stripeCreated,
          amount: stripeRefunds.amount,
          currency: stripeRefunds.currency,
          status: stripeRefunds.status,
          reason: stripeRefunds.reason,
        })
        .from(stripeRefunds)
        .where(
          and(
            refundsOf(objects.paymentIntents, objects.charges),
            isNotNull(stripeRefunds.stripeCreated),
            sql`not exists (select 1 from ${refunds} where ${refunds.stripeRefundId} = ${stripeRefunds.id})`,
            pastCursor(cursor, source, stripeRefunds.stripeCreated, stripeRefunds.id),
          ),
        )
        .orderBy(desc(stripeRefunds.stripeCreated), desc(stripeRefunds.id))
        .limit(n)
        .then((rows) =>
          rows.map((r) => ({
            source,
            id: r.id,
            entry: {
              kind: "refund",
              key: `${source}:${r.id}`,
              at: r.at!,
              refundId: r.id,
              origin: "stripe",
              status: r.status,
              reason: r.reason,
              note: null,
              destination: null,
              money: { amount: 0 - r.amount, currency: r.currency },
            },
          })),
        ),
    );
  }
  return sources;
}
