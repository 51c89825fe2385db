/* eslint-disable @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown by design. */
import { createRoute, redirect } from "@tanstack/react-router";
import { isStaffRole } from "@/features/auth/destinations";
import { ensureMe } from "@/features/auth/session";
import { validateCheckoutReturnSearch } from "@/features/checkout/search";
import { creditLedgerSearch } from "@/features/credit/search";
import { invoiceListSearch, type InvoiceSearch } from "@/features/invoices/search";
import { orderListSearch } from "@/features/orders/search";
import { validateReturnSearch } from "@/features/recovery/search";
import { FrameSkeleton } from "@/features/shell/page-skeleton";
import { validateShopSearch } from "@/features/shop/search";
import { usageTransactionsSearch } from "@/features/usage/search";
import { trpc } from "@/lib/trpc";
import { toSignIn } from "@/routes/guards";
import { NotFoundInFrame } from "@/routes/not-found";
import { page, type PageMatch } from "@/routes/page";
import { FullPageRouteError, rootRoute } from "@/routes/root";

// The customer's area. Only customers enter; staff are sent to the console.

export const billingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/billing",
  beforeLoad: async ({ context, location }) => {
    const me = await ensureMe(context.queryClient);
    if (!me) throw toSignIn(location);
    if (isStaffRole(me.user.role)) throw redirect({ to: "/admin" });
    return { me };
  },
  pendingComponent: FrameSkeleton,
  errorComponent: FullPageRouteError,
  notFoundComponent: () => <NotFoundInFrame home="/billing" />,
  ...page(() => import("@/features/billing/billing-layout"), "BillingLayout"),
});

const overviewRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "/",
  ...page(
    () => import("@/features/billing/pages"),
    "BillingOverviewPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.portal.subscription.overview.queryOptions())],
  ),
});

const invoicesRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "invoices",
  validateSearch: invoiceListSearch.parse,
  ...page(
    () => import("@/features/invoices/invoices-page"),
    "InvoicesPage",
    (queryClient, { search }: PageMatch<InvoiceSearch>) => [
      queryClient.prefetchQuery(
        trpc.portal.invoices.list.queryOptions(invoiceListSearch.queryInput(search)),
      ),
    ],
  ),
});

const ordersRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "orders",
  validateSearch: orderListSearch.parse,
  ...page(
    () => import("@/features/orders/orders-page"),
    "OrdersPage",
    (queryClient, { search }: PageMatch<ReturnType<typeof orderListSearch.parse>>) => [
      queryClient.prefetchQuery(
        trpc.portal.orders.list.queryOptions(orderListSearch.queryInput(search)),
      ),
    ],
  ),
});

const creditRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "credit",
  validateSearch: creditLedgerSearch.parse,
  ...page(
    () => import("@/features/credit/credit-page"),
    "CreditPage",
    (queryClient, { search }: PageMatch<ReturnType<typeof creditLedgerSearch.parse>>) => [
      queryClient.prefetchQuery(trpc.portal.credit.balance.queryOptions()),
      queryClient.prefetchQuery(
        trpc.portal.credit.ledger.queryOptions(creditLedgerSearch.queryInput(search)),
      ),
    ],
  ),
});

const usageRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "usage",
  validateSearch: usageTransactionsSearch.parse,
  ...page(
    () => import("@/features/usage/usage-page"),
    "UsagePage",
    (queryClient, { search }: PageMatch<ReturnType<typeof usageTransactionsSearch.parse>>) => [
      queryClient.prefetchQuery(trpc.portal.usage.overview.queryOptions()),
      queryClient.prefetchQuery(
        trpc.portal.usage.transactions.queryOptions(usageTransactionsSearch.queryInput(search)),
      ),
    ],
  ),
});

const planRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "plan",
  ...page(
    () => import("@/features/plan/plan-page"),
    "PlanPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.portal.plan.options.queryOptions())],
  ),
});

const shopRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "shop",
  validateSearch: validateShopSearch,
  ...page(
    () => import("@/features/shop/shop-page"),
    "ShopPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.catalog.shop.queryOptions())],
  ),
});

const checkoutReturnRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "checkout/return",
  validateSearch: validateCheckoutReturnSearch,
  ...page(() => import("@/features/checkout/checkout-return-page"), "CheckoutReturnPage"),
});

const accountRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "account",
  ...page(() => import("@/features/account/account-page"), "AccountPage"),
});

const paymentMethodReturnRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "payment-method/return",
  validateSearch: validateReturnSearch,
  ...page(
    () => import("@/features/recovery/payment-method-return-page"),
    "PaymentMethodReturnPage",
  ),
});

export const billingTree = billingRoute.addChildren([
  overviewRoute,
  invoicesRoute,
  ordersRoute,
  creditRoute,
  usageRoute,
  planRoute,
  shopRoute,
  checkoutReturnRoute,
  accountRoute,
  paymentMethodReturnRoute,
]);
