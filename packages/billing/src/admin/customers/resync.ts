import {
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  stripeInvoices,
  stripeSubscriptions,
  withTransaction,
  type Db,
} from "@folio/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Actor } from "../../audit/actor.ts";
import { audit } from "../../audit/audit.ts";
import type { Clock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { stripeCustomerIdFor } from "../../records/customer-link.ts";
import { recordHooks } from "../../records/index.ts";
import { stripeFailure } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";

// "Resync from Stripe" on a customer's page: fetch the customer, their subscriptions, invoices
// and balance transactions from Stripe, store each through the write path (version guard and
// record hooks, as a webhook would), and say what that changed in the mirror, field by field.
// Staff use it when a screen disagrees with Stripe's dashboard.

export type StaffActor = Extract<Actor, { type: "staff" }>;

export const RESYNCED_KINDS = [
  "customer",
  "subscription",
  "invoice",
  "customer_balance_transaction",
] as const;
export type ResyncedKind = (typeof RESYNCED_KINDS)[number];

export interface ResyncChange {
  kind: ResyncedKind;
  id: string;
  change: "created" | "updated" | "deleted";
  /** Top-level Stripe fields whose value changed (empty for created/deleted). */
  fields: string[];
}

export interface ResyncResult {
  stripeCustomerId: string;
  /** Objects fetched from Stripe. */
  fetched: number;
  /** Mirror rows the resync changed; nothing listed means the mirror already agreed. */
  changes: ResyncChange[];
}

/** At most this many changes are copied onto the audit row (the count is always there). */
const AUDITED_CHANGES = 50;

interface Stored {
  raw: Record<string, unknown>;
  deleted: boolean;
}

const TABLES = {
  customer: { table: stripeCustomers, customerColumn: stripeCustomers.id },
  subscription: { table: stripeSubscriptions, customerColumn: stripeSubscriptions.customerId },
  invoice: { table: stripeInvoices, customerColumn: stripeInvoices.customerId },
  customer_balance_transaction: {
    table: stripeCustomerBalanceTransactions,
    customerColumn: stripeCustomerBalanceTransactions.customerId,
  },
} as const;

async function mirrored(db: Db, stripeCustomerId: string): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  for (const kind of RESYNCED_KINDS) {
    const { table, customerColumn } = TABLES[kind];
    const rows = await db
      .select({ id: table.id, raw: table.raw, deletedAt: table.deletedAt })
      .from(table)
      .where(eq(customerColumn, stripeCustomerId));
    for (const r of rows) out.set(`${kind}:${r.id}`, { raw: r.raw, deleted: r.deletedAt !== null });
  }
  return out;
}

/** JSON with object keys sorted, so the same value stored by either dialect compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonical(before[k]) !== canonical(after[k])).sort();
}

export function diffMirror(
  before: Map<string, Stored>,
  after: Map<string, Stored>,
): ResyncChange[] {
  const changes: ResyncChange[] = [];
  for (const [key, now] of after) {
    const colon = key.indexOf(":");
    const kind = key.slice(0, colon) as ResyncedKind;
    const id = key.slice(colon + 1);
    const was = before.get(key);
    if (!was) changes.push({ kind, id, change: now.deleted ? "deleted" : "created", fields: [] });
    else if (now.deleted && !was.deleted) changes.push({ kind, id, change: "deleted", fields: [] });
    else {
      const fields = changedFields(was.raw, now.raw);
      if (fields.length) changes.push({ kind, id, change: "updated", fields });
    }
  }
  return changes.sort((a, b) =>
    a.kind === b.kind
      ? a.id < b.id
        ? -1
        : 1
      : RESYNCED_KINDS.indexOf(a.kind) - RESYNCED_KINDS.indexOf(b.kind),
  );
}

async function fetchFromStripe(stripe: Stripe, id: string) {
  try {
    const objects: { id: string; object: string; deleted?: unknown }[] = [
      await stripe.customers.retrieve(id),
    ];
    for await (const s of stripe.subscriptions.list({ customer: id, status: "all", limit: 100 })) {
      objects.push(s);
    }
    for await (const i of stripe.invoices.list({ customer: id, limit: 100 })) objects.push(i);
    for await (const t of stripe.customers.listBalanceTransactions(id, { limit: 100 })) {
      objects.push(t);
    }
    return objects;
  } catch (e) {
    throw stripeFailure(e, "fetch the customer from Stripe");
  }
}

/**
 * Fetches `customerId`'s Stripe customer, subscriptions, invoices and balance transactions and
 * stores them through the write path; returns what changed in the mirror. Audited as
 * `customer.resynced` with the changes. Each object is stored in its own transaction (the write
 * path may call Stripe for a version), so the audit row follows them in one of its own once the
 * diff is known; a failure half-way leaves the mirror closer to Stripe, never wrong.
 */
export async function resyncCustomerFromStripe(
  deps: { db: Db; stripe: Stripe; clock: Clock; actor: StaffActor },
  input: { customerId: string; reason?: string | null | undefined },
): Promise<ResyncResult> {
  const { db } = deps;
  const stripeCustomerId = await stripeCustomerIdFor(db, input.customerId);
  if (!stripeCustomerId) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This customer has no Stripe customer yet (they have never checked out): there is nothing to resync.",
    );
  }
  const before = await mirrored(db, stripeCustomerId);
  const objects = await fetchFromStripe(deps.stripe, stripeCustomerId);
  for (const object of objects) {
    await storeStripeResult({ ...deps, hooks: recordHooks }, { object, actor: deps.actor });
  }
  const changes = diffMirror(before, await mirrored(db, stripeCustomerId));
  await withTransaction(db, (tx) =>
    audit(tx, deps.actor, {
      action: "customer.resynced",
      target: `user:${input.customerId}`,
      after: {
        stripeCustomerId,
        fetched: objects.length,
        changed: changes.length,
        changes: changes.slice(0, AUDITED_CHANGES),
      },
      reason: input.reason ?? null,
      at: deps.clock.now(),
    }),
  );
  return { stripeCustomerId, fetched: objects.length, changes };
}
