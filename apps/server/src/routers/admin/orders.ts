import {
  adminOrderById,
  listAdminOrders,
  ORDER_SORTS,
  orderListFilters,
  type AdminOrderRow,
} from "@folio/billing";
import { stripeProducts } from "@folio/db";
import { asc, isNull } from "drizzle-orm";
import { z } from "zod";
import { listInput, sortInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { withIsoDates } from "./dates.ts";

export const orderListInput = listInput({
  ...orderListFilters,
  sort: sortInput(ORDER_SORTS, { by: "placedAt", direction: "desc" }),
});

/** Every order matching the list's filters and order, streamed as CSV (amounts in minor units). */
export const ordersCsvExport = defineCsvExport<z.output<typeof orderListInput>, AdminOrderRow>({
  kind: "orders",
  permission: "orders.read",
  input: orderListInput,
  fetchPage: (ctx, input, page) => listAdminOrders(ctx.db, { ...input, ...page }),
  columns: [
    { header: "Order", value: (r) => r.id },
    { header: "Placed (UTC)", value: (r) => r.placedAt },
    { header: "E-mail", value: (r) => r.email },
    { header: "Ship-to name", value: (r) => r.customerName },
    { header: "Currency", value: (r) => r.currency },
    { header: "Total (minor units)", value: (r) => r.amountTotal },
    { header: "Refunded (minor units)", value: (r) => r.amountRefunded },
    { header: "Payment", value: (r) => r.paymentState },
    { header: "Fulfilment", value: (r) => r.fulfilmentState ?? "nothing to ship" },
    { header: "Payment intent", value: (r) => r.paymentIntentId },
    { header: "Stripe customer", value: (r) => r.stripeCustomerId },
  ],
});

/** Orders for support, finance and admins (orders.read): amounts, e-mails and payments. */
export const adminOrdersRouter = router({
  /** Filtered, searched and sorted on the server; newest first by default. */
  list: staffProcedure("orders.read")
    .input(orderListInput)
    .query(async ({ ctx, input }) => {
      const page = await listAdminOrders(ctx.db, input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((o) => ({
          id: o.id,
          placedAt: o.placedAt.toISOString(),
          email: o.email,
          customerName: o.customerName,
          currency: o.currency,
          amountTotal: o.amountTotal,
          amountRefunded: o.amountRefunded,
          paymentState: o.paymentState,
          fulfilmentState: o.fulfilmentState,
        })),
      };
    }),

  /** One order: items, totals, payment, ship-to, shipment, refunds, disputes and timeline. */
  byId: staffProcedure("orders.read")
    .input(z.object({ orderId: z.string().trim().min(1).max(100) }))
    .query(async ({ ctx, input }) => withIsoDates(await adminOrderById(ctx.db, input.orderId))),

  /** Products to filter by (from the Stripe mirror), by name. */
  products: staffProcedure("orders.read").query(({ ctx }) =>
    ctx.db
      .select({ id: stripeProducts.id, name: stripeProducts.name, active: stripeProducts.active })
      .from(stripeProducts)
      .where(isNull(stripeProducts.deletedAt))
      .orderBy(asc(stripeProducts.name))
      .limit(500),
  ),
});
