import {
  orderItems,
  orders,
  walletEntries,
  walletLots,
  withTransaction,
  type Db,
  type Tx,
} from "@folio/db";
import { and, asc, eq, gt, like, lte, isNotNull } from "drizzle-orm";
import { syncActor } from "../audit/actor.ts";
import type { Clock } from "../clock.ts";
import { defineScheduledJob } from "../jobs/schedule.ts";
import { isPaidPaymentSession, orderIdFor } from "../records/orders.ts";
import type { SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import {
  credit,
  debit,
  entryBySource,
  lockWallets,
  walletActor,
  type WalletActor,
} from "./ledger.ts";

type OrderRow = Pick<
  typeof orders.$inferSelect,
  "id" | "userId" | "amountTotal" | "amountRefunded"
>;

const orderColumns = {
  id: orders.id,
  userId: orders.userId,
  amountTotal: orders.amountTotal,
  amountRefunded: orders.amountRefunded,
};

/** The order's credit-pack lines. */
const packLines = (tx: Tx, orderId: string) =>
  tx
    .select({
      id: orderItems.id,
      credits: orderItems.creditsGranted,
      description: orderItems.description,
    })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), gt(orderItems.creditsGranted, 0)));

/**
 * Tops up the wallet for each credit-pack line of a paid order, once per line (the entry's
 * source is the line), then reverses what refunds already took back.
 */
async function topUpOrder(tx: Tx, order: OrderRow, actor: WalletActor, at: Date): Promise<void> {
  if (order.userId === null) return;
  const userId = order.userId;
  const lines = await packLines(tx, order.id);
  if (lines.length === 0) return;
  await lockWallets(tx, [userId]);
  for (const line of lines) {
    await credit(tx, {
      userId,
      type: "top_up",
      units: line.credits,
      sourceId: `order_item:${line.id}`,
      actor,
      at,
      reason: line.description,
      orderId: order.id,
    });
  }
  await reversePackRefunds(tx, order, actor, at);
}

/**
 * A refunded pack takes back its share of the credits (all of them for a full refund), but only
 * what is still unspent. Keyed by the share reached, so replays and repeated refund events add
 * nothing and a later, larger refund takes only the difference.
 */
async function reversePackRefunds(
  tx: Tx,
  order: OrderRow,
  actor: WalletActor,
  at: Date,
): Promise<void> {
  if (order.userId === null || order.amountRefunded <= 0 || order.amountTotal <= 0) return;
  const share = Math.min(1, order.amountRefunded / order.amountTotal);
  for (const line of await packLines(tx, order.id)) {
    const topUp = await entryBySource(tx, `order_item:${line.id}`);
    if (!topUp) continue;
    const lot = await tx.select().from(walletLots).where(eq(walletLots.entryId, topUp.id)).get();
    if (!lot) continue;
    const target = Math.floor(line.credits * share);
    const sourceId = `pack_refund:${lot.id}:${target}`;
    if (await entryBySource(tx, sourceId)) continue;
    const done = (
      await tx
        .select({ units: walletEntries.units })
        .from(walletEntries)
        .where(like(walletEntries.sourceId, `pack_refund:${lot.id}:%`))
    ).reduce((a, e) => a - e.units, 0);
    const take = Math.min(lot.remaining, target - done);
    if (take <= 0) continue;
    await debit(
      tx,
      {
        userId: order.userId,
        type: "pack_refund",
        units: take,
        sourceId,
        actor,
        at,
        reason: `Refund of ${line.description}: ${take} unspent credits taken back`,
        orderId: order.id,
      },
      lot.id,
    );
  }
}

/**
 * Credit packs become wallet balance: a paid checkout's pack lines top up the wallet (after the
 * order hook wrote the order in the same transaction), and refunds of the payment reverse the
 * unused part. Duplicated or reordered webhooks converge on the same entries.
 */
export const walletTopUpHook: SyncHook = {
  types: ["checkout.session", "charge", "refund"],
  async write(tx, change) {
    // When Stripe saw the payment or refund, not when it reached us (a backfill, a late webhook).
    const at = change.event.created;
    const actor = walletActor(syncActor(change.event));
    if (change.type === "checkout.session") {
      if (!isPaidPaymentSession(change.object)) return;
      const order = await tx
        .select(orderColumns)
        .from(orders)
        .where(eq(orders.id, orderIdFor(change.object.id)))
        .get();
      if (order) await topUpOrder(tx, order, actor, at);
      return;
    }
    if (change.type !== "charge" && change.type !== "refund") return;
    const pi = idOf(change.object.payment_intent);
    if (!pi) return;
    const order = await tx
      .select(orderColumns)
      .from(orders)
      .where(eq(orders.paymentIntentId, pi))
      .get();
    if (order) {
      await lockWallets(tx, order.userId ? [order.userId] : []);
      await reversePackRefunds(tx, order, actor, at);
    }
  },
};

/**
 * Removes the unspent part of lots past their expiry (one `expiry` entry per lot), up to 500 lots
 * a call, and returns the credits removed. Safe to run twice or on two instances at once. An
 * expiry that takes the balance below the low threshold e-mails the customer (ledger `debit`).
 */
export async function expireWalletCredits({
  db,
  clock,
}: {
  db: Db;
  clock: Clock;
}): Promise<number> {
  const now = clock.now();
  const due = await db
    .select({ id: walletLots.id, userId: walletLots.userId })
    .from(walletLots)
    .where(
      and(
        gt(walletLots.remaining, 0),
        isNotNull(walletLots.expiresAt),
        lte(walletLots.expiresAt, now),
      ),
    )
    .orderBy(asc(walletLots.expiresAt), asc(walletLots.id))
    .limit(500);
  let expired = 0;
  for (const { id, userId } of due) {
    expired += await withTransaction(db, async (tx) => {
      await lockWallets(tx, [userId]);
      const lot = await tx.select().from(walletLots).where(eq(walletLots.id, id)).get();
      if (!lot || lot.remaining === 0) return 0;
      await debit(
        tx,
        {
          userId,
          type: "expiry",
          units: lot.remaining,
          sourceId: `expiry:${lot.id}`,
          actor: { type: "job", id: "wallet-expiry" },
          at: now,
          reason: `${lot.remaining} unspent credits expired`,
        },
        lot.id,
      );
      return lot.remaining;
    });
  }
  return expired;
}

const HOUR = 3600_000;

/** Every hour on the hour: expires what is due, 500 lots a round until none is left. */
export const expireCreditsJob = defineScheduledJob({
  kind: "wallets.expire_credits",
  nextRunAt: (after) => new Date(Math.floor(after.getTime() / HOUR) * HOUR + HOUR),
  run: async (ctx) => {
    let credits = 0;
    let expired: number;
    while ((expired = await expireWalletCredits(ctx)) > 0) credits += expired;
    if (credits > 0) ctx.log.info?.({ credits }, "expired wallet credits");
  },
});
