import { billingCustomers, stripeCustomers, users, type Db } from "@folio/db";
import { and, eq } from "drizzle-orm";
import type { Clock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { customerCreditBalance, type CustomerCreditBalance } from "../../portal/credit.ts";
import { listCustomerInvoices, type CustomerInvoice } from "../../portal/invoices.ts";
import { listCustomerOrders, type CustomerOrder } from "../../portal/orders.ts";
import {
  listCustomerSubscriptions,
  type CustomerSubscription,
} from "../../portal/subscriptions.ts";

// A customer's page for staff: the account, its Stripe customer as mirrored, and the same
// subscriptions, invoices, orders and credit the customer sees in their portal (one reading of
// the mirror for both sides). Longer histories are in the timeline.

/** How many recent invoices and orders the page shows; the timeline has the rest. */
export const CUSTOMER_PAGE_RECENT = 10;

export interface CustomerDetail {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  disabled: boolean;
  stripe: {
    id: string;
    email: string | null;
    name: string | null;
    delinquent: boolean;
    livemode: boolean;
    /** Deleted in Stripe (the mirror keeps its last state). */
    deleted: boolean;
    syncedAt: Date;
  } | null;
  /** Linked in Folio, but the mirror has not stored the Stripe customer yet. */
  stripeCustomerId: string | null;
  credit: CustomerCreditBalance;
  subscriptions: CustomerSubscription[];
  invoices: CustomerInvoice[];
  moreInvoices: boolean;
  orders: CustomerOrder[];
  moreOrders: boolean;
}

/** `customerId` is the Folio user id of a customer account; anything else is NOT_FOUND. */
export async function customerDetail(
  deps: { db: Db; clock: Clock },
  customerId: string,
): Promise<CustomerDetail> {
  const { db } = deps;
  const row = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      createdAt: users.createdAt,
      disabled: users.disabled,
      stripeCustomerId: billingCustomers.stripeCustomerId,
      stripeId: stripeCustomers.id,
      stripeEmail: stripeCustomers.email,
      stripeName: stripeCustomers.name,
      delinquent: stripeCustomers.delinquent,
      livemode: stripeCustomers.livemode,
      deletedAt: stripeCustomers.deletedAt,
      syncedAt: stripeCustomers.syncedAt,
    })
    .from(users)
    .leftJoin(billingCustomers, eq(billingCustomers.userId, users.id))
    .leftJoin(stripeCustomers, eq(stripeCustomers.id, billingCustomers.stripeCustomerId))
    .where(and(eq(users.id, customerId), eq(users.role, "customer")))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", "There is no customer with this id.");

  const page = { limit: CUSTOMER_PAGE_RECENT };
  const [credit, subscriptions, invoices, orders] = await Promise.all([
    customerCreditBalance(db, customerId),
    listCustomerSubscriptions(deps, customerId),
    listCustomerInvoices(deps, customerId, page),
    listCustomerOrders(db, customerId, page),
  ]);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.createdAt,
    disabled: row.disabled,
    stripeCustomerId: row.stripeCustomerId,
    stripe:
      row.stripeId === null
        ? null
        : {
            id: row.stripeId,
            email: row.stripeEmail,
            name: row.stripeName,
            delinquent: row.delinquent ?? false,
            livemode: row.livemode ?? false,
            deleted: row.deletedAt !== null,
            syncedAt: row.syncedAt!,
          },
    credit,
    subscriptions,
    invoices: invoices.items,
    moreInvoices: invoices.nextCursor !== null,
    orders: orders.items,
    moreOrders: orders.nextCursor !== null,
  };
}
