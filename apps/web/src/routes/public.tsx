import { createRoute } from "@tanstack/react-router";
import { validatePricingSearch } from "@/features/pricing/search";
import { trpc } from "@/lib/trpc";
import { page } from "@/routes/page";
import { rootRoute } from "@/routes/root";

// Pages anyone may open in the SPA: the plans. Signing in and up are their own light entry
// (auth.html, src/auth-main.tsx), reached with a full page load.

/** Visitors see the plans and sign up; signed-in customers subscribe from here. */
export const pricingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/pricing",
  validateSearch: validatePricingSearch,
  ...page(
    () => import("@/features/pricing/pricing-page"),
    "PricingPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.catalog.pricing.queryOptions())],
  ),
});
