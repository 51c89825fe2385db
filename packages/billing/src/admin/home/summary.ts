import {
  creditGrants,
  refunds,
  shippingTasks,
  stripeInvoices,
  stripeSubscriptions,
  type Db,
  type ShippingStatus,
} from "@folio/db";
import { and, count, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.ts";
import { webhookStats } from "../../webhooks/admin.ts";

/** Shipping tasks still to finish, by state (shipped ones are on their way, not done yet). */
export const OPEN_SHIPPING_STATUSES = [
  "pending",
  "picking",
  "packed",
  "shipped",
] as const satisfies readonly ShippingStatus[];

/** Which cards the caller may see; the router decides from the permission matrix. */
export interface HomeCardsWanted {
  shipping: boolean;
  approvals: boolean;
  failedPayments: boolean;
  webhooks: boolean;
}

export interface AdminHome {
  shipping?: Record<(typeof OPEN_SHIPPING_STATUSES)[number], number>;
  approvals?: { refunds: number; creditGrants: number };
  failedPayments?: { pastDue: number; unpaid: number; openInvoicesWithFailedAttempts: number };
  webhooks?: {
    waiting: number;
    oldestUnappliedAt: Date | null;
    lagSeconds: number;
    failed: number;
    dead: number;
  };
}

async function shippingCounts(db: Db) {
  const counts = Object.fromEntries(OPEN_SHIPPING_STATUSES.map((s) => [s, 0])) as NonNullable<
    AdminHome["shipping"]
  >;
  const rows = await db
    .select({ status: shippingTasks.status, n: count() })
    .from(shippingTasks)
    .where(inArray(shippingTasks.status, OPEN_SHIPPING_STATUSES))
    .groupBy(shippingTasks.status);
  for (const r of rows) counts[r.status as keyof typeof counts] = r.n;
  return counts;
}

async function approvalCounts(db: Db) {
  // Both read a partial index of the requests awaiting a decision.
  const [r, g] = await Promise.all([
    db.select({ n: count() }).from(refunds).where(eq(refunds.status, "awaiting_approval")).get(),
    db
      .select({ n: count() })
      .from(creditGrants)
      .where(eq(creditGrants.status, "awaiting_approval"))
      .get(),
  ]);
  return { refunds: r?.n ?? 0, creditGrants: g?.n ?? 0 };
}

async function failedPaymentCounts(db: Db) {
  const subs = await db
    .select({ status: stripeSubscriptions.status, n: count() })
    .from(stripeSubscriptions)
    .where(
      and(
        inArray(stripeSubscriptions.status, ["past_due", "unpaid"]),
        isNull(stripeSubscriptions.deletedAt),
      ),
    )
    .groupBy(stripeSubscriptions.status);
  const invoices = await db
    .select({ n: count() })
    .from(stripeInvoices)
    .where(
      and(
        eq(stripeInvoices.status, "open"),
        gt(stripeInvoices.attemptCount, 0),
        isNull(stripeInvoices.deletedAt),
      ),
    )
    .get();
  const of = (status: string) => subs.find((s) => s.status === status)?.n ?? 0;
  return {
    pastDue: of("past_due"),
    unpaid: of("unpaid"),
    openInvoicesWithFailedAttempts: invoices?.n ?? 0,
  };
}

/**
 * What needs someone's attention now, for the console's home page: only the cards asked for
 * are computed (a role never receives figures it may not see). Counts only — no amounts.
 */
export async function adminHome(db: Db, clock: Clock, wanted: HomeCardsWanted): Promise<AdminHome> {
  const home: AdminHome = {};
  if (wanted.shipping) home.shipping = await shippingCounts(db);
  if (wanted.approvals) home.approvals = await approvalCounts(db);
  if (wanted.failedPayments) home.failedPayments = await failedPaymentCounts(db);
  if (wanted.webhooks) {
    const s = await webhookStats(db, clock);
    home.webhooks = {
      waiting: s.waiting,
      oldestUnappliedAt: s.oldestUnappliedAt,
      lagSeconds: s.unappliedLagSeconds,
      failed: s.byStatus.failed,
      dead: s.byStatus.dead,
    };
  }
  return home;
}
