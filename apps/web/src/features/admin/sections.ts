import type { Permission } from "@/features/auth/session";

export interface AdminSection {
  to:
    | "/admin/customers"
    | "/admin/orders"
    | "/admin/fulfilment"
    | "/admin/revenue"
    | "/admin/webhooks"
    | "/admin/jobs"
    | "/admin/outbound-webhooks"
    | "/admin/mail"
    | "/admin/staff"
    | "/admin/audit"
    | "/admin/refunds"
    | "/admin/wallets"
    | "/admin/approvals"
    | "/admin/settings"
    | "/admin/api-keys";
  label: string;
  permission: Permission;
  /** One line on what the section is for, shown on the admin overview. */
  summary: string;
}

// Every route guard reads these, so they are in the entry chunk; the sections' icons are only
// drawn by the console's pages (./section-icons.ts).

/** The admin console's sections, in sidebar order, each behind the permission it needs. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    to: "/admin/customers",
    label: "Customers",
    permission: "customers.read",
    summary: "Look up customers, their subscriptions, invoices and credit.",
  },
  {
    to: "/admin/orders",
    label: "Orders",
    permission: "orders.read",
    summary: "Every order with its payment, refund and delivery status.",
  },
  {
    to: "/admin/fulfilment",
    label: "Fulfilment",
    permission: "orders.fulfill",
    summary: "Paid orders waiting to be shipped, oldest first.",
  },
  {
    to: "/admin/refunds",
    label: "Refunds",
    permission: "refunds.read",
    summary: "Every refund staff made or asked for, with its state at Stripe.",
  },
  {
    to: "/admin/wallets",
    label: "Wallets",
    permission: "refunds.read",
    summary: "Every customer's credit top-ups, grants, debits and usage paid with credits.",
  },
  {
    to: "/admin/approvals",
    label: "Approvals",
    permission: "approvals.decide",
    summary: "Refunds and credit changes above support's limit, waiting for a second person.",
  },
  {
    to: "/admin/revenue",
    label: "Revenue",
    permission: "metrics.read",
    summary: "MRR, churn and revenue by plan.",
  },
  {
    to: "/admin/webhooks",
    label: "Webhooks",
    permission: "webhooks.read",
    summary: "Stripe events Folio received and how they were processed.",
  },
  {
    to: "/admin/jobs",
    label: "Jobs",
    permission: "jobs.read",
    summary: "E-mails, outbound webhooks and housekeeping queued after changes, and what failed.",
  },
  {
    to: "/admin/outbound-webhooks",
    label: "Outbound webhooks",
    permission: "webhookEndpoints.read",
    summary: "Endpoints your automations listen on, and every delivery Folio made to them.",
  },
  {
    to: "/admin/mail",
    label: "Sent mail",
    permission: "mail.read",
    summary: "E-mails Folio sent, kept here while no SMTP server is configured.",
  },
  {
    to: "/admin/staff",
    label: "Staff",
    permission: "staff.manage",
    summary: "Staff accounts and their roles.",
  },
  {
    to: "/admin/audit",
    label: "Audit log",
    permission: "audit.read",
    summary: "Who changed what, when, from where and why.",
  },
  {
    to: "/admin/settings",
    label: "Settings",
    permission: "settings.manage",
    summary: "Approval limits for support, per currency.",
  },
  {
    to: "/admin/api-keys",
    label: "API keys",
    permission: "apiKeys.manage",
    summary: "Keys your backend uses to report usage and read entitlements (/api/v1).",
  },
];

/** Sections a user may open; the server enforces the same permissions on every procedure. */
export function sectionsFor(permissions: readonly string[]): AdminSection[] {
  return ADMIN_SECTIONS.filter((section) => permissions.includes(section.permission));
}

export function sectionByPath(to: AdminSection["to"]): AdminSection {
  const section = ADMIN_SECTIONS.find((s) => s.to === to);
  if (!section) throw new Error(`Unknown admin section ${to}`);
  return section;
}
