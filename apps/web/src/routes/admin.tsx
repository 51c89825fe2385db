/* eslint-disable @typescript-eslint/only-throw-error -- TanStack Router redirects are thrown by design. */
import {
  createRoute,
  lazyRouteComponent,
  redirect,
  type ErrorComponentProps,
} from "@tanstack/react-router";
import { customerListSearch, type CustomerSearch } from "@/features/admin-customers/search";
import { adminOrderListSearch, type OrderListSearch } from "@/features/admin-orders/search";
import { AdminAccessDeniedError, SectionAccessDeniedError } from "@/features/admin/errors";
import { SECTION_PERMISSIONS, type SectionPath } from "@/features/admin/section-permissions";
import { auditListSearch, type AuditSearch } from "@/features/audit/search";
import { isStaffRole } from "@/features/auth/destinations";
import { ensureMe, hasPermission, type Me } from "@/features/auth/session";
import { fulfilmentListSearch, type FulfilmentSearch } from "@/features/fulfilment/search";
import { walletTransactionsSearch, type WalletTransactionsSearch } from "@/features/wallets/search";
import { refundListSearch, type RefundSearch } from "@/features/refunds/search";
import { parseRevenueSearch } from "@/features/revenue/search";
import { FrameSkeleton } from "@/features/shell/page-skeleton";
import { RouteError } from "@/features/shell/route-error";
import { staffListSearch, type StaffSearch } from "@/features/staff/search";
import { webhookListSearch, type WebhookSearch } from "@/features/webhooks/search";
import { mailListSearch, type MailSearch } from "@/features/mail/search";
import { jobListSearch, type JobSearch } from "@/features/jobs/search";
import { deliveryListSearch, type DeliverySearch } from "@/features/outbound-webhooks/search";
import { trpc } from "@/lib/trpc";
import { toSignIn } from "@/routes/guards";
import { NotFoundInFrame } from "@/routes/not-found";
import { page, type PageMatch } from "@/routes/page";
import { FullPageRouteError, rootRoute } from "@/routes/root";

// The staff console. Customers are told they cannot enter; each section checks its permission.

const AccessDeniedPage = lazyRouteComponent(
  () => import("@/features/admin/access-denied-page"),
  "AccessDeniedPage",
);
const SectionDenied = lazyRouteComponent(
  () => import("@/features/admin/section-denied"),
  "SectionDenied",
);

export const adminRoute = createRoute({
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
  ...page(() => import("@/features/admin/admin-layout"), "AdminLayout"),
});

/** Guard and error display shared by the permission-gated sections. */
function sectionAccess(to: SectionPath) {
  return {
    beforeLoad: ({ context }: { context: { me: Me } }) => {
      if (!hasPermission(context.me, SECTION_PERMISSIONS[to])) {
        throw new SectionAccessDeniedError(to);
      }
    },
    errorComponent: (props: ErrorComponentProps) =>
      props.error instanceof SectionAccessDeniedError ? (
        <SectionDenied to={props.error.section} />
      ) : (
        <RouteError {...props} />
      ),
  };
}

const overviewRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "/",
  ...page(
    () => import("@/features/admin/overview-page"),
    "AdminOverviewPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.admin.home.queryOptions())],
  ),
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
  ...page(
    () => import("@/features/admin-customers/customers-page"),
    "CustomersPage",
    (queryClient, { search }: PageMatch<CustomerSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.customers.list.queryOptions(customerListSearch.queryInput(search)),
      ),
    ],
  ),
});
const customerRoute = createRoute({
  getParentRoute: () => customersRoute,
  path: "$customerId",
  ...page(
    () => import("@/features/admin-customers/customer-page"),
    "CustomerPage",
    (queryClient, { params }: PageMatch<unknown, { customerId: string }>) => [
      queryClient.prefetchQuery(trpc.admin.customers.byId.queryOptions(params)),
    ],
  ),
});

const ordersRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "orders",
  ...sectionAccess("/admin/orders"),
});
const ordersIndexRoute = createRoute({
  getParentRoute: () => ordersRoute,
  path: "/",
  validateSearch: adminOrderListSearch.parse,
  ...page(
    () => import("@/features/admin-orders/orders-page"),
    "AdminOrdersPage",
    (queryClient, { search }: PageMatch<OrderListSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.orders.list.queryOptions(adminOrderListSearch.queryInput(search)),
      ),
      // The toolbar's product filter: asked with the list, so it does not appear later.
      queryClient.prefetchQuery(trpc.admin.orders.products.queryOptions()),
    ],
  ),
});
const orderRoute = createRoute({
  getParentRoute: () => ordersRoute,
  path: "$orderId",
  ...page(
    () => import("@/features/admin-orders/order-page"),
    "AdminOrderPage",
    (queryClient, { params }: PageMatch<unknown, { orderId: string }>) => [
      queryClient.prefetchQuery(trpc.admin.orders.byId.queryOptions(params)),
    ],
  ),
});

const fulfilmentRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "fulfilment",
  validateSearch: fulfilmentListSearch.parse,
  ...sectionAccess("/admin/fulfilment"),
  ...page(
    () => import("@/features/fulfilment/fulfilment-page"),
    "FulfilmentPage",
    (queryClient, { search }: PageMatch<FulfilmentSearch>) => [
      queryClient.prefetchQuery(trpc.admin.fulfilment.counts.queryOptions()),
      queryClient.prefetchQuery(
        trpc.admin.fulfilment.list.queryOptions(fulfilmentListSearch.queryInput(search)),
      ),
    ],
  ),
});

/** A packing slip prints best without the console around it: its own page, same permission. */
export const packingSlipRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/packing-slip/$taskId",
  beforeLoad: async ({ context, location }) => {
    const me = await ensureMe(context.queryClient);
    if (!me) throw toSignIn(location);
    // The queue says why when the role may not see it.
    if (!hasPermission(me, "orders.fulfill")) throw redirect({ to: "/admin/fulfilment" });
  },
  ...page(
    () => import("@/features/fulfilment/packing-slip-page"),
    "PackingSlipPage",
    (queryClient, { params }: PageMatch<unknown, { taskId: string }>) => [
      queryClient.prefetchQuery(trpc.admin.fulfilment.byId.queryOptions(params)),
    ],
  ),
});

const revenueRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "revenue",
  validateSearch: parseRevenueSearch,
  ...sectionAccess("/admin/revenue"),
  // The chart's window is taken from the clock when the page mounts; only the currency list
  // can start early.
  ...page(
    () => import("@/features/revenue/revenue-page"),
    "RevenuePage",
    (queryClient) => [queryClient.prefetchQuery(trpc.admin.revenue.currencies.queryOptions())],
  ),
});

const webhooksRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "webhooks",
  validateSearch: webhookListSearch.parse,
  ...sectionAccess("/admin/webhooks"),
  ...page(
    () => import("@/features/webhooks/webhooks-page"),
    "WebhooksPage",
    (queryClient, { search }: PageMatch<WebhookSearch>) => [
      queryClient.prefetchQuery(trpc.admin.webhooks.stats.queryOptions()),
      queryClient.prefetchQuery(
        trpc.admin.webhooks.list.queryOptions(webhookListSearch.queryInput(search)),
      ),
    ],
  ),
});

const jobsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "jobs",
  validateSearch: jobListSearch.parse,
  ...sectionAccess("/admin/jobs"),
  ...page(
    () => import("@/features/jobs/jobs-page"),
    "JobsPage",
    (queryClient, { search }: PageMatch<JobSearch>) => [
      queryClient.prefetchQuery(trpc.admin.jobs.stats.queryOptions()),
      queryClient.prefetchQuery(
        trpc.admin.jobs.list.queryOptions(jobListSearch.queryInput(search)),
      ),
    ],
  ),
});

const mailRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "mail",
  validateSearch: mailListSearch.parse,
  ...sectionAccess("/admin/mail"),
  ...page(
    () => import("@/features/mail/mail-page"),
    "MailPage",
    (queryClient, { search }: PageMatch<MailSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.mail.list.queryOptions(mailListSearch.queryInput(search)),
      ),
    ],
  ),
});

const outboundWebhooksRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "outbound-webhooks",
  validateSearch: deliveryListSearch.parse,
  ...sectionAccess("/admin/outbound-webhooks"),
  ...page(
    () => import("@/features/outbound-webhooks/outbound-webhooks-page"),
    "OutboundWebhooksPage",
    (queryClient, { search }: PageMatch<DeliverySearch>) => [
      queryClient.prefetchQuery(trpc.admin.outboundWebhooks.endpoints.queryOptions({ limit: 100 })),
      queryClient.prefetchQuery(
        trpc.admin.outboundWebhooks.deliveries.queryOptions(deliveryListSearch.queryInput(search)),
      ),
    ],
  ),
});

const staffRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "staff",
  validateSearch: staffListSearch.parse,
  ...sectionAccess("/admin/staff"),
  ...page(
    () => import("@/features/staff/staff-page"),
    "StaffPage",
    (queryClient, { search }: PageMatch<StaffSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.staff.list.queryOptions(staffListSearch.queryInput(search)),
      ),
    ],
  ),
});

const auditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "audit",
  validateSearch: auditListSearch.parse,
  ...sectionAccess("/admin/audit"),
  ...page(
    () => import("@/features/audit/audit-page"),
    "AuditPage",
    (queryClient, { search }: PageMatch<AuditSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.audit.list.queryOptions(auditListSearch.queryInput(search)),
      ),
    ],
  ),
});

const walletsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "wallets",
  validateSearch: walletTransactionsSearch.parse,
  ...sectionAccess("/admin/wallets"),
  ...page(
    () => import("@/features/wallets/wallets-page"),
    "WalletsPage",
    (queryClient, { search }: PageMatch<WalletTransactionsSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.wallets.transactions.queryOptions(walletTransactionsSearch.queryInput(search)),
      ),
    ],
  ),
});

const refundsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "refunds",
  validateSearch: refundListSearch.parse,
  ...sectionAccess("/admin/refunds"),
  ...page(
    () => import("@/features/refunds/refunds-page"),
    "RefundsPage",
    (queryClient, { search }: PageMatch<RefundSearch>) => [
      queryClient.prefetchQuery(
        trpc.admin.refunds.list.queryOptions(refundListSearch.queryInput(search)),
      ),
    ],
  ),
});

const approvalsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "approvals",
  ...sectionAccess("/admin/approvals"),
  ...page(
    () => import("@/features/approvals/approvals-page"),
    "ApprovalsPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.admin.approvals.list.queryOptions())],
  ),
});

const settingsRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "settings",
  ...sectionAccess("/admin/settings"),
  ...page(
    () => import("@/features/settings/settings-page"),
    "SettingsPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.admin.settings.list.queryOptions())],
  ),
});

const apiKeysRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "api-keys",
  ...sectionAccess("/admin/api-keys"),
  ...page(
    () => import("@/features/api-keys/api-keys-page"),
    "ApiKeysPage",
    (queryClient) => [queryClient.prefetchQuery(trpc.admin.apiKeys.list.queryOptions())],
  ),
});

export const adminTree = adminRoute.addChildren([
  overviewRoute,
  customersRoute.addChildren([customersIndexRoute, customerRoute]),
  ordersRoute.addChildren([ordersIndexRoute, orderRoute]),
  fulfilmentRoute,
  revenueRoute,
  webhooksRoute,
  jobsRoute,
  outboundWebhooksRoute,
  mailRoute,
  staffRoute,
  auditRoute,
  refundsRoute,
  walletsRoute,
  approvalsRoute,
  settingsRoute,
  apiKeysRoute,
]);
