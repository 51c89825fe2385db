import {
  auditLog,
  stripeCharges,
  stripeDisputes,
  stripeRefunds,
  users,
  type ActorType,
  type Db,
} from "@folio/db";
import { desc, eq, inArray } from "drizzle-orm";

/** One thing that happened to an order, newest first on the order page. */
export type OrderTimelineEntry =
  | {
      kind: "audit";
      at: Date;
      action: string;
      actor: { type: ActorType; id: string | null; name: string | null };
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
      reason: string | null;
    }
  | {
      kind: "charge";
      at: Date;
      id: string;
      status: string;
      amount: number;
      currency: string;
      failureMessage: string | null;
    }
  | {
      kind: "refund";
      at: Date;
      id: string;
      status: string | null;
      amount: number;
      currency: string;
      reason: string | null;
      failureReason: string | null;
    }
  | {
      kind: "dispute";
      at: Date;
      id: string;
      status: string;
      amount: number;
      currency: string;
      reason: string | null;
    };

/**
 * The order's story: every audit row about the order or its shipping task (payment state
 * changes, shipping moves, staff actions with their actor and reason) and what Stripe holds for
 * its payment (charges, refunds, disputes, dated by Stripe).
 */
export async function orderTimeline(
  db: Db,
  order: { id: string; paymentIntentId: string | null },
  taskId: string | null,
): Promise<OrderTimelineEntry[]> {
  const targets = [`order:${order.id}`, ...(taskId ? [`shipping_task:${taskId}`] : [])];
  const audits = await db
    .select({
      at: auditLog.at,
      id: auditLog.id,
      action: auditLog.action,
      actorType: auditLog.actorType,
      actorId: auditLog.actorId,
      actorName: users.name,
      before: auditLog.before,
      after: auditLog.after,
      reason: auditLog.reason,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(inArray(auditLog.target, targets))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(500);
  const entries: OrderTimelineEntry[] = audits.map((a) => ({
    kind: "audit",
    at: a.at,
    action: a.action,
    actor: {
      type: a.actorType,
      id: a.actorId,
      // Only people have names; a sync actor's id is an event id, which is no user's.
      name: a.actorType === "staff" || a.actorType === "customer" ? a.actorName : null,
    },
    before: a.before,
    after: a.after,
    reason: a.reason,
  }));

  const pi = order.paymentIntentId;
  if (pi) {
    const [charges, refunds, disputes] = await Promise.all([
      db.select().from(stripeCharges).where(eq(stripeCharges.paymentIntentId, pi)),
      db.select().from(stripeRefunds).where(eq(stripeRefunds.paymentIntentId, pi)),
      db.select().from(stripeDisputes).where(eq(stripeDisputes.paymentIntentId, pi)),
    ]);
    for (const c of charges) {
      entries.push({
        kind: "charge",
        at: c.stripeCreated ?? c.syncedAt,
        id: c.id,
        status: c.status,
        amount: c.amount,
        currency: c.currency,
        failureMessage: c.failureMessage,
      });
    }
    for (const r of refunds) {
      entries.push({
        kind: "refund",
        at: r.stripeCreated ?? r.syncedAt,
        id: r.id,
        status: r.status,
        amount: r.amount,
        currency: r.currency,
        reason: r.reason,
        failureReason: r.failureReason,
      });
    }
    for (const d of disputes) {
      entries.push({
        kind: "dispute",
        at: d.stripeCreated ?? d.syncedAt,
        id: d.id,
        status: d.status,
        amount: d.amount,
        currency: d.currency,
        reason: d.reason,
      });
    }
  }
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
}
