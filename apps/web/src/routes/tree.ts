import { adminTree, packingSlipRoute } from "@/routes/admin";
import { billingTree } from "@/routes/billing";
import { pricingRoute, signInRoute, signUpRoute } from "@/routes/public";
import { indexRoute, rootRoute } from "@/routes/root";

/** Every route: the public pages, the customer's billing area and the staff console. */
export const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  signUpRoute,
  pricingRoute,
  packingSlipRoute,
  billingTree,
  adminTree,
]);
