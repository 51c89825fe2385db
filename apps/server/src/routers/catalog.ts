import { listSellableCatalog } from "@folio/billing";
import { publicProcedure, router } from "../trpc.ts";

/** What Folio sells, as the Stripe mirror holds it. Public: the pricing page works signed out. */
export const catalogRouter = router({
  /** Plans and their add-ons, with the currencies plans are priced in. */
  pricing: publicProcedure.query(async ({ ctx }) => {
    const { plans, addons, currencies } = await listSellableCatalog(ctx);
    return { plans, addons, currencies };
  }),
  /** One-time products: physical goods, digital goods and credit packs. */
  shop: publicProcedure.query(async ({ ctx }) => {
    const { oneTime } = await listSellableCatalog(ctx);
    return { products: oneTime };
  }),
});
