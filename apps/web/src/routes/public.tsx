import { createRoute } from "@tanstack/react-router";
import { validateAuthSearch } from "@/features/auth/session";
import { validatePricingSearch } from "@/features/pricing/search";
import { trpc } from "@/lib/trpc";
import { leaveIfSignedIn } from "@/routes/guards";
import { page } from "@/routes/page";
import { rootRoute } from "@/routes/root";

// Pages anyone may open: signing in or up, and the plans.

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: validateAuthSearch,
  beforeLoad: leaveIfSignedIn,
  ...page(() => import("@/features/auth/sign-in-page"), "SignInPage"),
});

export const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-up",
  validateSearch: validateAuthSearch,
  beforeLoad: leaveIfSignedIn,
  ...page(() => import("@/features/auth/sign-up-page"), "SignUpPage"),
});

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
