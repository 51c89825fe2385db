import {
  billingCustomers,
  creditLedger,
  orders,
  perHandle,
  users,
  type Db,
  type Tx,
} from "@folio/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { syncActor, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { SyncHook } from "../sync/hooks.ts";

export async function stripeCustomerIdFor(db: Db, userId: string): Promise<string | null> {
  const row = await db
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId))
    .get();
  return row?.id ?? null;
}

// Asked for every event that concerns a customer (hooks attributing records to the user).
const userByStripeCustomer = perHandle((db: Db) =>
  db
    .select({ userId: billingCustomers.userId })
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, sql.placeholder("stripeCustomerId")))
    .prepare(),
);

export async function userIdForStripeCustomer(
  db: Db,
  stripeCustomerId: string,
): Promise<string | null> {
  const row = await userByStripeCustomer(db).get({ stripeCustomerId });
  return row?.userId ?? null;
}

/**
 * Links a user and a Stripe customer if neither is linked yet, and attributes that customer's
 * earlier orders and ledger rows to the user. Returns the customer the user is linked to
 * afterwards (which is the existing one if the user was already linked elsewhere, and null if
 * the customer belongs to another user and this one has none).
 */
export async function linkStripeCustomer(
  tx: Tx,
  userId: string,
  stripeCustomerId: string,
  at: Date,
  actor: Actor,
): Promise<string | null> {
  const inserted = await tx
    .insert(billingCustomers)
    .values({ userId, stripeCustomerId, createdAt: at })
    .onConflictDoNothing()
    .returning({ userId: billingCustomers.userId });
  if (inserted.length > 0) {
    await tx
      .update(orders)
      .set({ userId, updatedAt: at })
      .where(and(eq(orders.stripeCustomerId, stripeCustomerId), isNull(orders.userId)));
    await tx
      .update(creditLedger)
      .set({ userId })
      .where(and(eq(creditLedger.stripeCustomerId, stripeCustomerId), isNull(creditLedger.userId)));
    await audit(tx, actor, {
      action: "billing_customer.linked",
      target: `user:${userId}`,
      after: { stripeCustomerId },
      at,
    });
  }
  return stripeCustomerIdFor(tx, userId);
}

/**
 * Customers created outside `ensureStripeCustomer` (or whose link write was lost) get linked; a
 * customer deleted in Stripe is unlinked, so the user's next checkout creates a fresh one.
 */
export const customerLinkHook: SyncHook = {
  types: ["customer"],
  async write(tx, change) {
    if (change.type !== "customer") return;
    const actor = syncActor(change.event);
    if (change.deleted) {
      const removed = await tx
        .delete(billingCustomers)
        .where(eq(billingCustomers.stripeCustomerId, change.object.id))
        .returning();
      for (const link of removed) {
        await audit(tx, actor, {
          action: "billing_customer.unlinked",
          target: `user:${link.userId}`,
          before: { stripeCustomerId: link.stripeCustomerId },
          reason: "deleted in Stripe",
          at: change.clock.now(),
        });
      }
      return;
    }
    const userId = change.object.metadata?.folio_user_id;
    if (!userId) return;
    const user = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
    if (!user) return;
    await linkStripeCustomer(tx, userId, change.object.id, change.clock.now(), actor);
  },
};
