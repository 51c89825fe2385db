import { keysetPage, stripeInvoiceLineItems, stripeInvoices, type Db, type Page } from "@folio/db";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { stripeCustomerIdFor } from "../records/customer-link.ts";
import { invoiceTax, type InvoiceTax } from "../tax/invoice-tax.ts";

/**
 * An invoice's state in the words a customer reads: `due` is open and not yet past its due date
 * (or without one), `overdue` is open past it. Drafts are never shown.
 */
export type InvoiceState = "paid" | "due" | "overdue" | "void" | "uncollectible";

export interface CustomerInvoice {
  id: string;
  number: string | null;
  createdAt: Date;
  /** The service period its lines cover (from the lines; the invoice's own fields as fallback). */
  periodStart: Date | null;
  periodEnd: Date | null;
  currency: string;
  total: number;
  /** Tax in `total` (Stripe Tax or tax rates); null when the invoice carries none. */
  tax: InvoiceTax | null;
  amountPaid: number;
  amountRemaining: number;
  state: InvoiceState;
  dueDate: Date | null;
  paidAt: Date | null;
  hostedInvoiceUrl: string | null;
  pdfUrl: string | null;
}

export function invoiceState(status: string, dueDate: Date | null, now: Date): InvoiceState | null {
  switch (status) {
    case "paid":
    case "void":
    case "uncollectible":
      return status;
    case "open":
      return dueDate !== null && dueDate.getTime() < now.getTime() ? "overdue" : "due";
    default:
      return null;
  }
}

const SHOWN_STATUSES = ["paid", "open", "void", "uncollectible"];

function stringField(raw: Record<string, unknown>, key: string): string | null {
  const value = raw[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * The user's invoices from the mirror, newest first, one keyset page at a time. Only the Stripe
 * customer linked to the user is read (no id is taken from the caller); drafts and tombstoned
 * rows are left out. A user without a Stripe customer has none.
 */
export async function listCustomerInvoices(
  { db, clock }: { db: Db; clock: Clock },
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<CustomerInvoice>> {
  const customerId = await stripeCustomerIdFor(db, userId);
  if (!customerId) return { items: [], nextCursor: null };
  const now = clock.now();

  const invoices = await keysetPage({
    sort: { column: stripeInvoices.stripeCreated, key: "createdAt", direction: "desc" },
    id: { column: stripeInvoices.id, key: "id" },
    cursor: page.cursor,
    limit: page.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: stripeInvoices.id,
          number: stripeInvoices.number,
          createdAt: stripeInvoices.stripeCreated,
          status: stripeInvoices.status,
          periodStart: stripeInvoices.periodStart,
          periodEnd: stripeInvoices.periodEnd,
          currency: stripeInvoices.currency,
          total: stripeInvoices.total,
          amountPaid: stripeInvoices.amountPaid,
          amountRemaining: stripeInvoices.amountRemaining,
          dueDate: stripeInvoices.dueDate,
          paidAt: stripeInvoices.paidAt,
          hostedInvoiceUrl: stripeInvoices.hostedInvoiceUrl,
          raw: stripeInvoices.raw,
        })
        .from(stripeInvoices)
        .where(
          and(
            eq(stripeInvoices.customerId, customerId),
            isNull(stripeInvoices.deletedAt),
            inArray(stripeInvoices.status, SHOWN_STATUSES),
            // keysetPage needs a sort value; every invoice Stripe returns has `created`.
            isNotNull(stripeInvoices.stripeCreated),
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });

  const periods = await linePeriods(
    db,
    invoices.items.map((i) => i.id),
  );
  return {
    nextCursor: invoices.nextCursor,
    items: invoices.items.map((row) => {
      const period = periods.get(row.id);
      return {
        id: row.id,
        number: row.number,
        createdAt: row.createdAt!,
        periodStart: period?.start ?? row.periodStart,
        periodEnd: period?.end ?? row.periodEnd,
        currency: row.currency,
        total: row.total,
        tax: invoiceTax(row.raw, row.total),
        amountPaid: row.amountPaid,
        amountRemaining: row.amountRemaining,
        state: invoiceState(row.status!, row.dueDate, now)!,
        dueDate: row.dueDate,
        paidAt: row.paidAt,
        hostedInvoiceUrl: row.hostedInvoiceUrl,
        pdfUrl: stringField(row.raw, "invoice_pdf"),
      };
    }),
  };
}

/**
 * The period an invoice's lines cover. Stripe's invoice-level period is the window in which
 * pending items were collected (for a renewal, the period before), not what the customer pays
 * for, so the lines say it better.
 */
async function linePeriods(
  db: Db,
  invoiceIds: string[],
): Promise<Map<string, { start: Date; end: Date }>> {
  const out = new Map<string, { start: Date; end: Date }>();
  if (invoiceIds.length === 0) return out;
  const lines = await db
    .select({
      invoiceId: stripeInvoiceLineItems.invoiceId,
      start: stripeInvoiceLineItems.periodStart,
      end: stripeInvoiceLineItems.periodEnd,
    })
    .from(stripeInvoiceLineItems)
    .where(
      and(
        inArray(stripeInvoiceLineItems.invoiceId, invoiceIds),
        isNull(stripeInvoiceLineItems.deletedAt),
        isNotNull(stripeInvoiceLineItems.periodStart),
        isNotNull(stripeInvoiceLineItems.periodEnd),
      ),
    );
  for (const line of lines) {
    const seen = out.get(line.invoiceId);
    const start = line.start!;
    const end = line.end!;
    out.set(line.invoiceId, {
      start: seen && seen.start < start ? seen.start : start,
      end: seen && seen.end > end ? seen.end : end,
    });
  }
  return out;
}
