import {
  buyInput,
  checkoutContext,
  confirmCheckout,
  confirmInput,
  startShopCheckout,
  startSubscriptionCheckout,
  subscribeInput,
} from "@folio/billing";
import { billingDeps } from "../../lib/billing-deps.ts";
import { customerProcedure, router } from "../../trpc.ts";

/**
 * Buying through Stripe Checkout for the signed-in customer: subscribe to a plan, buy from the
 * shop, and confirm the checkout they came back from. Takes no customer ids; a session id is
 * checked to be the caller's.
 */
export const checkoutRouter = router({
  /** Currency, live subscription and trial eligibility, for the pricing page's buttons. */
  context: customerProcedure.query(({ ctx }) => checkoutContext(ctx)),

  subscribe: customerProcedure
    .input(subscribeInput)
    .mutation(({ ctx, input }) =>
      startSubscriptionCheckout(billingDeps(ctx), { ...input, appUrl: ctx.env.APP_URL }),
    ),

  buy: customerProcedure
    .input(buyInput)
    .mutation(({ ctx, input }) =>
      startShopCheckout(billingDeps(ctx), { ...input, appUrl: ctx.env.APP_URL }),
    ),

  /** Fetches the session from Stripe and stores it (and its subscription / order) at once. */
  confirm: customerProcedure
    .input(confirmInput)
    .mutation(({ ctx, input }) => confirmCheckout(billingDeps(ctx), input)),
});
