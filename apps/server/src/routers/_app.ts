import { router } from "../trpc.ts";
import { apiKeysRouter } from "./admin/api-keys.ts";
import { approvalsRouter } from "./admin/approvals.ts";
import { auditRouter } from "./admin/audit.ts";
import { homeProcedure } from "./admin/home.ts";
import { creditGrantsRouter } from "./admin/credit-grants.ts";
import { refundsRouter } from "./admin/refunds.ts";
import { revenueRouter } from "./admin/revenue.ts";
import { settingsRouter } from "./admin/settings.ts";
import { fulfilmentRouter } from "./admin/fulfilment.ts";
import { adminOrdersRouter } from "./admin/orders.ts";
import { customersRouter } from "./admin/customers.ts";
import { staffRouter } from "./admin/staff.ts";
import { webhooksRouter } from "./admin/webhooks.ts";
import { jobsRouter } from "./admin/jobs.ts";
import { mailRouter } from "./admin/mail.ts";
import { outboundWebhooksRouter } from "./admin/outbound-webhooks.ts";
import { walletsRouter } from "./admin/wallets.ts";
import { accountRouter } from "./account.ts";
import { authRouter } from "./auth.ts";
import { catalogRouter } from "./catalog.ts";
import { checkoutRouter } from "./portal/checkout.ts";
import { creditRouter } from "./portal/credit.ts";
import { invoicesRouter } from "./portal/invoices.ts";
import { ordersRouter } from "./portal/orders.ts";
import { planRouter } from "./portal/plan.ts";
import { subscriptionRouter } from "./portal/subscription.ts";
import { usageRouter } from "./portal/usage.ts";

// Routers by audience, one file per domain: `portal.*` acts only on the signed-in customer
// (customerProcedure; an id it takes is checked against the caller), `admin.*` is for staff
// (staffProcedure + a permission).
export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  account: accountRouter,
  portal: router({
    checkout: checkoutRouter,
    subscription: subscriptionRouter,
    plan: planRouter,
    invoices: invoicesRouter,
    credit: creditRouter,
    orders: ordersRouter,
    usage: usageRouter,
  }),
  admin: router({
    home: homeProcedure,
    customers: customersRouter,
    staff: staffRouter,
    webhooks: webhooksRouter,
    jobs: jobsRouter,
    mail: mailRouter,
    outboundWebhooks: outboundWebhooksRouter,
    audit: auditRouter,
    refunds: refundsRouter,
    creditGrants: creditGrantsRouter,
    approvals: approvalsRouter,
    settings: settingsRouter,
    orders: adminOrdersRouter,
    fulfilment: fulfilmentRouter,
    revenue: revenueRouter,
    apiKeys: apiKeysRouter,
    wallets: walletsRouter,
  }),
});

export type AppRouter = typeof appRouter;
