import { stripeCustomers, users, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Actor } from "./audit/actor.ts";
import type { Clock } from "./clock.ts";
import { DomainError } from "./errors.ts";
import {
  customerLinkHook,
  linkStripeCustomer,
  stripeCustomerIdFor,
} from "./records/customer-link.ts";
import { recordHooks } from "./records/index.ts";
import type { SyncHooks } from "./sync/hooks.ts";
import { storeStripeResult } from "./sync/write-path.ts";

export {
  customerLinkHook,
  linkStripeCustomer,
  stripeCustomerIdFor,
  userIdForStripeCustomer,
} from "./records/customer-link.ts";

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

async function isDeletedCustomer(db: Db, stripeCustomerId: string): Promise<boolean> {
  const row = await db
    .select({ deletedAt: stripeCustomers.deletedAt })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.id, stripeCustomerId))
    .get();
  return row?.deletedAt != null;
}

/**
 * The user's Stripe customer, created on first need (before their first checkout). The create
 * carries an idempotency key per user, so concurrent or retried calls get the same customer, and
 * the customer's `folio_user_id` metadata lets the sync hook re-link it if the local link write
 * was lost. The customer Stripe returns is stored through the write path together with the link
 * and the audit row, so the mirror has it at once; its webhooks converge later.
 *
 * `actor` defaults to the user themselves; `hooks` to Folio's record hooks.
 */
export async function ensureStripeCustomer(
  deps: BillingDeps & { actor?: Actor; hooks?: SyncHooks },
  input: BillingUser,
): Promise<string> {
  const { db, stripe, clock } = deps;
  const user = userInput.parse(input);
  const existing = await stripeCustomerIdFor(db, user.id);
  if (existing) return existing;
  const known = await db.select({ id: users.id }).from(users).where(eq(users.id, user.id)).get();
  if (!known) throw new DomainError("NOT_FOUND", `No user ${user.id}.`);
  const actor: Actor = deps.actor ?? { type: "customer", userId: user.id };

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
  for (let i = 0; i < 5 && (await isDeletedCustomer(db, customer.id)); i++) {
    customer = await create(`folio-customer-${user.id}-after-${customer.id}`);
  }
  if (await isDeletedCustomer(db, customer.id)) {
    throw new DomainError("UPSTREAM", `Stripe keeps returning deleted customer ${customer.id}.`);
  }

  // The link is this command's own write, audited with its actor; the link hook (which would
  // record it as a sync change) is for customers that arrive from Stripe.
  const hooks = (deps.hooks ?? recordHooks).filter((h) => h !== customerLinkHook);
  let linked = null as string | null;
  await storeStripeResult(
    { db, stripe, clock, hooks },
    {
      object: customer,
      actor,
      audit: {
        action: "billing_customer.created",
        target: `user:${user.id}`,
        after: { stripeCustomerId: customer.id },
        at: clock.now(),
      },
      also: async (tx) => {
        linked = await linkStripeCustomer(tx, user.id, customer.id, clock.now(), actor);
      },
    },
  );
  if (!linked) {
    // The customer is stored (it exists in Stripe), but it belongs to someone else.
    throw new DomainError("CONFLICT", `Stripe customer ${customer.id} is linked to another user.`);
  }
  return linked;
}
