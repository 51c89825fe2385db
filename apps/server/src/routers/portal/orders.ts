import { listCustomerOrders } from "@folio/billing";
import { listInput } from "../../lib/list-input.ts";
import { customerProcedure, router } from "../../trpc.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The signed-in customer's one-time orders. Takes no ids: ctx.user's orders only. */
export const ordersRouter = router({
  /** Newest first, with items, payment state and shipment. */
  list: customerProcedure.input(listInput({})).query(async ({ ctx, input }) => {
    const page = await listCustomerOrders(ctx.db, ctx.actor.userId, input);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((o) => ({
        ...o,
        placedAt: o.placedAt.toISOString(),
        shipment: {
          ...o.shipment,
          shippedAt: iso(o.shipment.shippedAt),
          deliveredAt: iso(o.shipment.deliveredAt),
        },
      })),
    };
  }),
});
