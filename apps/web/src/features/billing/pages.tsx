export { BillingOverviewPage } from "@/features/billing/overview/overview-page";
