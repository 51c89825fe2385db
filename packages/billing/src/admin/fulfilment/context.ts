import { lockKeys, shippingTasks, type Db, type ShippingStatus, type Tx } from "@folio/db";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../../audit/actor.ts";
import type { Clock } from "../../clock.ts";

/** What a fulfilment command takes: no Stripe — shipping moves goods, not money. */
export interface FulfilmentDeps {
  db: Db;
  clock: Clock;
  actor: Actor;
}

export const taskId = z.string().trim().min(1).max(100);

/** Per order: the shipping queue and refunds of the same order take their turns. */
export const orderLockKey = (orderId: string) => `order:${orderId}`;

export interface LockedTask {
  id: string;
  orderId: string;
  status: ShippingStatus;
  assignedTo: string | null;
  notes: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

const LOCKED_COLUMNS = {
  id: shippingTasks.id,
  orderId: shippingTasks.orderId,
  status: shippingTasks.status,
  assignedTo: shippingTasks.assignedTo,
  notes: shippingTasks.notes,
  carrier: shippingTasks.carrier,
  trackingNumber: shippingTasks.trackingNumber,
  trackingUrl: shippingTasks.trackingUrl,
};

/**
 * The tasks named, read under their orders' locks so what the caller checks is still true when
 * it writes (PostgreSQL; SQLite serializes write transactions anyway). Call inside a transaction.
 */
export async function lockTasks(tx: Tx, ids: readonly string[]): Promise<Map<string, LockedTask>> {
  const unique = [...new Set(ids)];
  const first = await tx
    .select({ orderId: shippingTasks.orderId })
    .from(shippingTasks)
    .where(inArray(shippingTasks.id, unique));
  await lockKeys(
    tx,
    first.map((t) => orderLockKey(t.orderId)),
  );
  const rows = await tx
    .select(LOCKED_COLUMNS)
    .from(shippingTasks)
    .where(inArray(shippingTasks.id, unique));
  return new Map(rows.map((r) => [r.id, r]));
}
