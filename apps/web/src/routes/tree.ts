import { adminTree, packingSlipRoute } from "@/routes/admin";
import { billingTree } from "@/routes/billing";
import { pricingRoute } from "@/routes/public";
import { indexRoute, rootRoute } from "@/routes/root";

/** Every SPA route: the plans, the customer's billing area and the staff console. */
export const routeTree = rootRoute.addChildren([
  indexRoute,
  pricingRoute,
  packingSlipRoute,
  billingTree,
  adminTree,
]);
