import { billingCustomers, creditLedger, orders, stripeCustomers, users, type Db } from "@folio/db";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Clock } from "./clock.ts";
import { DomainError } from "./errors.ts";
import { audit, syncActor, type Writer } from "./records/audit.ts";
import type { SyncHook } from "./sync/hooks.ts";

export interface BillingDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}

const userInput = z.object({
  id: z.string().min(1),
  email: z.email(),
  name: z.string(),
});
export type BillingUser = z.input<typeof userInput>;

export function stripeCustomerIdFor(db: Writer, userId: string): string | null {
  const row = db
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId))
    .get();
  return row?.id ?? null;
}

export function userIdForStripeCustomer(db: Writer, stripeCustomerId: string): string | null {
  const row = db
    .select({ userId: billingCustomers.userId })
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, stripeCustomerId))
    .get();
  return row?.userId ?? null;
}

function isDeletedCustomer(db: Writer, stripeCustomerId: string): boolean {
  const row = db
    .select({ deletedAt: stripeCustomers.deletedAt })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.id, stripeCustomerId))
    .get();
  return row?.deletedAt != null;
}

/**
 * Links a user and a Stripe customer if neither is linked yet, and attributes that customer's
 * earlier orders and ledger rows to the user. Returns the customer the user is linked to
 * afterwards (which is the existing one if the user was already linked elsewhere).
 */
export function linkStripeCustomer(
  tx: Writer,
  userId: string,
  stripeCustomerId: string,
  at: Date,
  actor: string,
): string | null {
  const inserted = tx
    .insert(billingCustomers)
    .values({ userId, stripeCustomerId, createdAt: at })
    .onConflictDoNothing()
    .returning()
    .all();
  if (inserted.length > 0) {
    tx.update(orders)
      .set({ userId, updatedAt: at })
      .where(and(eq(orders.stripeCustomerId, stripeCustomerId), isNull(orders.userId)))
      .run();
    tx.update(creditLedger)
      .set({ userId })
      .where(and(eq(creditLedger.stripeCustomerId, stripeCustomerId), isNull(creditLedger.userId)))
      .run();
    audit(tx, {
      actor,
      action: "billing_customer.linked",
      subject: `user:${userId}`,
      details: { stripeCustomerId },
      at,
    });
  }
  return stripeCustomerIdFor(tx, userId);
}

/**
 * The user's Stripe customer, created on first need (before their first checkout). The create
 * carries an idempotency key per user, so concurrent or retried calls get the same customer, and
 * the customer's `folio_user_id` metadata lets the sync hook re-link it if the local link write
 * was lost.
 */
export async function ensureStripeCustomer(
  { db, stripe, clock }: BillingDeps,
  input: BillingUser,
): Promise<string> {
  const user = userInput.parse(input);
  const existing = stripeCustomerIdFor(db, user.id);
  if (existing) return existing;
  const known = db.select({ id: users.id }).from(users).where(eq(users.id, user.id)).get();
  if (!known) throw new DomainError("NOT_FOUND", `No user ${user.id}.`);

  const create = async (idempotencyKey: string) => {
    try {
      return await stripe.customers.create(
        {
          email: user.email,
          ...(user.name && { name: user.name }),
          metadata: { folio_user_id: user.id },
        },
        { idempotencyKey },
      );
    } catch (e) {
      throw new DomainError(
        "UPSTREAM",
        `Stripe could not create a customer for ${user.email}: ${(e as Error).message}`,
      );
    }
  };
  // Stripe replays an idempotent create's first response for 24 hours: once that customer was
  // deleted (and unlinked), the same key would hand it back. The next key names the deleted one,
  // so concurrent callers still agree on a single new customer.
  let customer = await create(`folio-customer-${user.id}`);
  for (let i = 0; i < 5 && isDeletedCustomer(db, customer.id); i++) {
    customer = await create(`folio-customer-${user.id}-after-${customer.id}`);
  }
  if (isDeletedCustomer(db, customer.id)) {
    throw new DomainError("UPSTREAM", `Stripe keeps returning deleted customer ${customer.id}.`);
  }
  const linked = db.transaction((tx) =>
    linkStripeCustomer(tx, user.id, customer.id, clock.now(), `user:${user.id}`),
  );
  if (!linked) {
    throw new DomainError("CONFLICT", `Stripe customer ${customer.id} is linked to another user.`);
  }
  return linked;
}

/**
 * Customers created outside `ensureStripeCustomer` (or whose link write was lost) get linked; a
 * customer deleted in Stripe is unlinked, so the user's next checkout creates a fresh one.
 */
export const customerLinkHook: SyncHook = {
  types: ["customer"],
  write(tx, change) {
    if (change.type !== "customer") return;
    if (change.deleted) {
      const removed = tx
        .delete(billingCustomers)
        .where(eq(billingCustomers.stripeCustomerId, change.object.id))
        .returning()
        .all();
      for (const link of removed) {
        audit(tx, {
          actor: syncActor(change.event),
          action: "billing_customer.unlinked",
          subject: `user:${link.userId}`,
          details: { stripeCustomerId: link.stripeCustomerId, reason: "deleted in Stripe" },
          at: change.clock.now(),
        });
      }
      return;
    }
    const userId = change.object.metadata?.folio_user_id;
    if (!userId) return;
    const user = tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
    if (!user) return;
    linkStripeCustomer(tx, userId, change.object.id, change.clock.now(), syncActor(change.event));
  },
};
