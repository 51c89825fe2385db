/* eslint-disable @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown by design. */
import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  Outlet,
  redirect,
  type ErrorComponentProps,
  type ParsedLocation,
} from "@tanstack/react-router";
import { toast } from "sonner";
import { Toaster } from "@/components/ui/sonner";
import { AccessDeniedPage } from "@/features/admin/access-denied-page";
import { AccountPage } from "@/features/account/account-page";
import { CustomerPage } from "@/features/admin-customers/customer-page";
import { CustomersPage } from "@/features/admin-customers/customers-page";
import { customerListSearch } from "@/features/admin-customers/search";
import { AdminLayout } from "@/features/admin/admin-layout";
import { AdminAccessDeniedError, SectionAccessDeniedError } from "@/features/admin/errors";
import { AdminOverviewPage } from "@/features/admin/overview-page";
import { SectionDenied } from "@/features/admin/section-denied";
import { AdminOrderPage } from "@/features/admin-orders/order-page";
import { FulfilmentPage } from "@/features/fulfilment/fulfilment-page";
import { PackingSlipPage } from "@/features/fulfilment/packing-slip-page";
import { fulfilmentListSearch } from "@/features/fulfilment/search";
import { AdminOrdersPage } from "@/features/admin-orders/orders-page";
import { adminOrderListSearch } from "@/features/admin-orders/search";
import { sectionByPath, type AdminSection } from "@/features/admin/sections";
import {
  ensureMe,
  forgetSession,
  hasPermission,
  homeFor,
  isStaffRole,
  meQueryKey,
  validateAuthSearch,
  type Me,
} from "@/features/auth/session";
import { SignInPage } from "@/features/auth/sign-in-page";
import { SignUpPage } from "@/features/auth/sign-up-page";
import { BillingLayout } from "@/features/billing/billing-layout";
import { CheckoutReturnPage } from "@/features/checkout/checkout-return-page";
import { validateCheckoutReturnSearch } from "@/features/checkout/search";
import { PricingPage } from "@/features/pricing/pricing-page";
import { validatePricingSearch } from "@/features/pricing/search";
import { BillingOverviewPage } from "@/features/billing/pages";
import { PaymentMethodReturnPage } from "@/features/recovery/payment-method-return-page";
import { validateReturnSearch } from "@/features/recovery/search";
import { RevenuePage } from "@/features/revenue/revenue-page";
import { parseRevenueSearch } from "@/features/revenue/search";
import { CreditPage } from "@/features/credit/credit-page";
import { creditLedgerSearch } from "@/features/credit/search";
import { InvoicesPage } from "@/features/invoices/invoices-page";
import { invoiceListSearch } from "@/features/invoices/search";
import { OrdersPage } from "@/features/orders/orders-page";
import { PlanPage } from "@/features/plan/plan-page";
import { orderListSearch } from "@/features/orders/search";
import { NotFoundInFrame, NotFoundPage } from "@/features/shell/not-found-page";
import { FrameSkeleton, PageSkeleton } from "@/features/shell/page-skeleton";
import { RouteError } from "@/features/shell/route-error";
import { validateShopSearch } from "@/features/shop/search";
import { ShopPage } from "@/features/shop/shop-page";
import { ApprovalsPage } from "@/features/approvals/approvals-page";
import { RefundsPage } from "@/features/refunds/refunds-page";
import { refundListSearch } from "@/features/refunds/search";
import { SettingsPage } from "@/features/settings/settings-page";
import { auditListSearch } from "@/features/audit/search";
import { AuditPage } from "@/features/audit/audit-page";
import { staffListSearch } from "@/features/staff/search";
import { StaffPage } from "@/features/staff/staff-page";
import { webhookListSearch } from "@/features/webhooks/search";
import { WebhooksPage } from "@/features/webhooks/webhooks-page";
import { onUnauthorized, queryClient } from "@/lib/trpc";

export interface RouterContext {
  queryClient: QueryClient;
}

function FullPageRouteError(props: ErrorComponentProps) {
  return <RouteError {...props} fullPage />;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <Outlet />
      <Toaster richColors closeButton position="bottom-right" />
    </>
  ),
  notFoundComponent: NotFoundPage,
  errorComponent: FullPageRouteError,
});

/** Signed-out visitors go to sign in, and come back here afterwards. */
function toSignIn(location: ParsedLocation) {
  return redirect({ to: "/sign-in", search: { redirect: location.href } });
}

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: async ({ context }) => {
    const me = await ensureMe(context.queryClient);
    throw redirect({ to: me ? homeFor(me.user.role) : "/sign-in" });
  },
});

/** Signed-in users have nothing to do on the sign-in and sign-up pages. */
async function leaveIfSignedIn({
  context,
  search,
}: {
  context: RouterContext;
  search: { redirect?: string };
}) {
  const me = await ensureMe(context.queryClient);
  if (me) throw redirect({ href: search.redirect ?? homeFor(me.user.role) });
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: validateAuthSearch,
  beforeLoad: leaveIfSignedIn,
  component: SignInPage,
});

const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-up",
  validateSearch: validateAuthSearch,
  beforeLoad: leaveIfSignedIn,
  component: SignUpPage,
});

/** Public: visitors see the plans and sign up; signed-in customers subscribe from here. */
const pricingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/pricing",
  validateSearch: validatePricingSearch,
  component: PricingPage,
});

const billingRoute = createRoute({
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
  component: BillingLayout,
});

const billingIndexRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "/",
  component: BillingOverviewPage,
});
const invoicesRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "invoices",
  validateSearch: invoiceListSearch.parse,
  component: InvoicesPage,
});
const billingOrdersRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "orders",
  validateSearch: orderListSearch.parse,
  component: OrdersPage,
});
const shopRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "shop",
  validateSearch: validateShopSearch,
  component: ShopPage,
});
const checkoutReturnRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "checkout/return",
  validateSearch: validateCheckoutReturnSearch,
  component: CheckoutReturnPage,
});
const planRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "plan",
  component: PlanPage,
});
const creditRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "credit",
  validateSearch: creditLedgerSearch.parse,
  component: CreditPage,
});
const accountRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "account",
  component: AccountPage,
});
const paymentMethodReturnRoute = createRoute({
  getParentRoute: () => billingRoute,
  path: "payment-method/return",
  validateSearch: validateReturnSearch,
  component: PaymentMethodReturnPage,
});

const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/admin",
  beforeLoad: async ({ context, location }) => {
    const me = await ensureMe(context.queryClient);
    if (!me) throw toSignIn(location);
    // Customers stay on /admin and are told why they cannot enter (see errorComponent).
    if (!isStaffRole(me.user.role)) throw new AdminAccessDeniedError();
    return { me };
  },
  pendingComponent: FrameSkeleton,
  errorComponent: (props) =>
    props.error instanceof AdminAccessDeniedError ? (
      <AccessDeniedPage />
    ) : (
      <FullPageRouteError {...props} />
    ),
  notFoundComponent: () => <NotFoundInFrame home="/admin" />,
  component: AdminLayout,
});

/** Guard and error display shared by the permission-gated admin sections. */
function sectionAccess(to: AdminSection["to"]) {
  const section = sectionByPath(to);
  return {
    beforeLoad: ({ context }: { context: { me: Me } }) => {
      if (!hasPermission(context.me, section.permission)) {
        throw new SectionAccessDeniedError(section);
      }
    },
    errorComponent: (props: ErrorComponentProps) =>
      props.error instanceof SectionAccessDeniedError ? (
        <SectionDenied section={props.error.section} />
      ) : (
        <RouteError {...props} />
      ),
  };
}

const adminIndexRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "/",
  component: AdminOverviewPage,
});
const customersRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "customers",
  ...sectionAccess("/admin/customers"),
});
const customersIndexRoute = createRoute({
  getParentRoute: () => customersRoute,
  path: "/",
  validateSearch: customerListSearch.parse,
  component: CustomersPage,
});
const customerRoute = createRoute({
  getParentRoute: () => customersRoute,
  path: "$customerId",
  component: CustomerPage,
});
const adminOrdersRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "orders",
  ...sectionAccess("/admin/orders"),
});
const adminOrdersIndexRoute = createRoute({
  getParentRoute: () => adminOrdersRoute,
  path: "/",
  validateSearch: adminOrderListSearch.parse,
  component: AdminOrdersPage,
});
const adminOrderRoute = createRoute({
  getParentRoute: () => adminOrdersRoute,
  path: "$orderId",
  component: AdminOrderPage,
});
const fulfilmentRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "fulfilment",
  validateSearch: fulfilmentListSearch.parse,
  ...sectionAccess("/admin/fulfilment"),
  component: FulfilmentPage,
});
/** A packing slip prints best without the console around it: its own page, same permission. */
const packingSlipRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/packing-slip/$taskId",
  beforeLoad: async ({ context, location }) => {
    const me = await ensureMe(context.queryClient);
    if (!me) throw toSignIn(location);
    // The queue says why when the role may not see it.
    if (!hasPermission(me, "orders.fulfill")) throw redirect({ to: "/admin/fulfilment" });
  },
  component: PackingSlipPage,
});
const revenueRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "revenue",
  validateSearch: parseRevenueSearch,
  ...sectionAccess("/admin/revenue"),
  component: RevenuePage,
});
const webhooksRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "webhooks",
  validateSearch: webhookListSearch.parse,
  ...sectionAccess("/admin/webhooks"),
  component: WebhooksPage,
});
const staffRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "staff",
  validateSearch: staffListSearch.parse,
  ...sectionAccess("/admin/staff"),
  component: StaffPage,
});
const auditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "audit",
  validateSearch: auditListSearch.parse,
  ...sectionAccess("/admin/audit"),
  component: AuditPage,
});
const refundsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "refunds",
  validateSearch: refundListSearch.parse,
  ...sectionAccess("/admin/refunds"),
  component: RefundsPage,
});
const approvalsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "approvals",
  ...sectionAccess("/admin/approvals"),
  component: ApprovalsPage,
});
const settingsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "settings",
  ...sectionAccess("/admin/settings"),
  component: SettingsPage,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  signInRoute,
  signUpRoute,
  pricingRoute,
  packingSlipRoute,
  billingRoute.addChildren([
    billingIndexRoute,
    invoicesRoute,
    billingOrdersRoute,
    creditRoute,
    planRoute,
    shopRoute,
    checkoutReturnRoute,
    accountRoute,
    paymentMethodReturnRoute,
  ]),
  adminRoute.addChildren([
    adminIndexRoute,
    customersRoute.addChildren([customersIndexRoute, customerRoute]),
    adminOrdersRoute.addChildren([adminOrdersIndexRoute, adminOrderRoute]),
    fulfilmentRoute,
    revenueRoute,
    webhooksRoute,
    staffRoute,
    auditRoute,
    refundsRoute,
    approvalsRoute,
    settingsRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: "intent",
  // React Query owns caching; the router should always ask it.
  defaultPreloadStaleTime: 0,
  defaultPendingComponent: PageSkeleton,
  defaultPendingMs: 150,
  defaultErrorComponent: RouteError,
  defaultNotFoundComponent: NotFoundPage,
  scrollRestoration: true,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

// A query refused with UNAUTHORIZED means the session is gone: forget it and let the route
// guards send the user to sign in (they keep the current page as the redirect target).
// Several queries can fail at once, so the notice is keyed and only shown when a session was
// actually known. Cached data is dropped once the guards have moved the user away, so pages
// still on screen do not refetch it in the meantime.
onUnauthorized(() => {
  const hadSession = queryClient.getQueryData(meQueryKey()) != null;
  queryClient.setQueryData(meQueryKey(), null);
  if (hadSession) {
    toast.info("Your session has ended. Sign in again to continue.", { id: "session-ended" });
  }
  void router.invalidate().finally(() => forgetSession(queryClient));
});
