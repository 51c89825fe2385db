import {
  CUSTOMER_SORTS,
  CUSTOMER_SUBSCRIPTION_FILTERS,
  customerDetail,
  customerListQuery,
  customerTimeline,
  resyncCustomerFromStripe,
  type CustomerListItem,
  type TimelineEntry,
} from "@folio/billing";
import { z } from "zod";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { billingDeps } from "../../lib/billing-deps.ts";
import { listInput, sortedKeysetPage, sortInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A customer's Folio user id, as the list hands it out. */
const customerId = z.string().min(1).max(100);

export const customerFilters = {
  /** A Stripe customer id (`cus_…`), or the start of an e-mail or a name, any case. */
  search: z.string().trim().min(1).max(100).optional(),
  subscription: z.enum(CUSTOMER_SUBSCRIPTION_FILTERS).optional(),
  hasCredit: z.boolean().optional(),
};
export const customerSort = sortInput(CUSTOMER_SORTS, { by: "createdAt", direction: "desc" });

const customersListInput = listInput({ ...customerFilters, sort: customerSort });

/** Every customer matching the list's filters, in its order, streamed as CSV. */
export const customersCsvExport = defineCsvExport<
  z.output<typeof customersListInput>,
  CustomerListItem
>({
  kind: "customers",
  permission: "customers.read",
  input: customersListInput,
  fetchPage: (ctx, input, page) =>
    sortedKeysetPage(input.sort, { ...customerListQuery(ctx.db, input, input.sort), ...page }),
  columns: [
    { header: "Customer", value: (c) => c.id },
    { header: "E-mail", value: (c) => c.email },
    { header: "Name", value: (c) => c.name },
    { header: "Signed up (UTC)", value: (c) => c.createdAt },
    { header: "Disabled", value: (c) => c.disabled },
    { header: "Stripe customer", value: (c) => c.stripeCustomerId },
    { header: "Subscription", value: (c) => c.subscriptionStatus },
    { header: "Currency", value: (c) => c.currency },
    { header: "Credit (minor units)", value: (c) => c.credit },
    { header: "Owed (minor units)", value: (c) => c.owed },
    { header: "Delinquent", value: (c) => c.delinquent },
  ],
});

export function customerRowOut(c: CustomerListItem) {
  return { ...c, createdAt: c.createdAt.toISOString() };
}

function timelineEntryOut(e: TimelineEntry) {
  return { ...e, at: e.at.toISOString() };
}

/** Customers for staff: the list, one customer's page and timeline, and a resync from Stripe. */
export const customersRouter = router({
  /** Customer accounts, newest first unless sorted otherwise; filters combine with AND. */
  list: staffProcedure("customers.read")
    .input(customersListInput)
    .query(async ({ ctx, input }) => {
      const page = await sortedKeysetPage(input.sort, {
        ...customerListQuery(ctx.db, input, input.sort),
        cursor: input.cursor,
        limit: input.limit,
      });
      return { nextCursor: page.nextCursor, items: page.items.map(customerRowOut) };
    }),

  /** The customer's account, Stripe customer, credit, subscriptions and recent invoices/orders. */
  byId: staffProcedure("customers.read")
    .input(z.object({ customerId }))
    .query(async ({ ctx, input }) => {
      const c = await customerDetail(ctx, input.customerId);
      return {
        id: c.id,
        email: c.email,
        name: c.name,
        createdAt: c.createdAt.toISOString(),
        disabled: c.disabled,
        stripeCustomerId: c.stripeCustomerId,
        stripe: c.stripe && { ...c.stripe, syncedAt: c.stripe.syncedAt.toISOString() },
        credit: c.credit,
        subscriptions: c.subscriptions.map((s) => ({
          id: s.id,
          status: s.status,
          ended: s.ended,
          currency: s.currency,
          items: s.items,
          currentPeriodEnd: iso(s.currentPeriodEnd),
          trialEnd: iso(s.trialEnd),
          cancelAtPeriodEnd: s.cancelAtPeriodEnd,
          canceledAt: iso(s.canceledAt),
          endedAt: iso(s.endedAt),
          createdAt: iso(s.createdAt),
        })),
        invoices: c.invoices.map((i) => ({
          id: i.id,
          number: i.number,
          createdAt: i.createdAt.toISOString(),
          state: i.state,
          currency: i.currency,
          total: i.total,
          tax: i.tax && {
            amount: i.tax.amount,
            totalExcludingTax: i.tax.totalExcludingTax,
            reverseCharge: i.tax.reverseCharge,
            rates: i.tax.rates,
          },
          amountPaid: i.amountPaid,
          amountRemaining: i.amountRemaining,
          hostedInvoiceUrl: i.hostedInvoiceUrl,
        })),
        moreInvoices: c.moreInvoices,
        orders: c.orders.map((o) => ({
          id: o.id,
          placedAt: o.placedAt.toISOString(),
          currency: o.currency,
          amountTotal: o.amountTotal,
          amountRefunded: o.amountRefunded,
          paymentState: o.paymentState,
          itemCount: o.items.reduce((n, i) => n + i.quantity, 0),
          shipmentState: o.shipment.state,
        })),
        moreOrders: c.moreOrders,
      };
    }),

  /** Everything that happened to the customer, newest first, one keyset page at a time. */
  timeline: staffProcedure("customers.read")
    .input(listInput({ customerId }))
    .query(async ({ ctx, input }) => {
      const page = await customerTimeline(ctx.db, input.customerId, input);
      return { nextCursor: page.nextCursor, items: page.items.map(timelineEntryOut) };
    }),

  /** Fetches the customer's objects from Stripe into the mirror; answers what changed. Audited. */
  resync: staffProcedure("customers.resync")
    .input(z.object({ customerId, reason: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) =>
      resyncCustomerFromStripe(billingDeps(ctx), {
        customerId: input.customerId,
        reason: input.reason || null,
      }),
    ),
});
