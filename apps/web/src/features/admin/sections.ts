import type { Permission } from "@/features/auth/session";
import { SECTION_PERMISSIONS, type SectionPath } from "@/features/admin/section-permissions";

export interface AdminSection {
  to: SectionPath;
  label: string;
  permission: Permission;
  /** One line on what the section is for, shown on the admin overview. */
  summary: string;
}

// Only the console's pages read these (the route guards read ./section-permissions.ts), so the
// labels and summaries are not in the entry chunk; the icons are in ./section-icons.ts.

/** The admin console's sections, in sidebar order, each behind the permission it needs. */
const SECTIONS: readonly Omit<AdminSection, "permission">[] = [
  {
    to: "/admin/customers",
    label: "Customers",
    summary: "Look up customers, their subscriptions, invoices and credit.",
  },
  {
    to: "/admin/orders",
    label: "Orders",
    summary: "Every order with its payment, refund and delivery status.",
  },
  {
    to: "/admin/fulfilment",
    label: "Fulfilment",
    summary: "Paid orders waiting to be shipped, oldest first.",
  },
  {
    to: "/admin/refunds",
    label: "Refunds",
    summary: "Every refund staff made or asked for, with its state at Stripe.",
  },
  {
    to: "/admin/wallets",
    label: "Wallets",
    summary: "Every customer's credit top-ups, grants, debits and usage paid with credits.",
  },
  {
    to: "/admin/approvals",
    label: "Approvals",
    summary: "Refunds and credit changes above support's limit, waiting for a second person.",
  },
  {
    to: "/admin/revenue",
    label: "Revenue",
    summary: "MRR, churn and revenue by plan.",
  },
  {
    to: "/admin/webhooks",
    label: "Webhooks",
    summary: "Stripe events Folio received and how they were processed.",
  },
  {
    to: "/admin/jobs",
    label: "Jobs",
    summary: "E-mails, outbound webhooks and housekeeping queued after changes, and what failed.",
  },
  {
    to: "/admin/outbound-webhooks",
    label: "Outbound webhooks",
    summary: "Endpoints your automations listen on, and every delivery Folio made to them.",
  },
  {
    to: "/admin/mail",
    label: "Sent mail",
    summary: "E-mails Folio sent, kept here while no SMTP server is configured.",
  },
  {
    to: "/admin/staff",
    label: "Staff",
    summary: "Staff accounts and their roles.",
  },
  {
    to: "/admin/audit",
    label: "Audit log",
    summary: "Who changed what, when, from where and why.",
  },
  {
    to: "/admin/settings",
    label: "Settings",
    summary: "Approval limits for support, per currency.",
  },
  {
    to: "/admin/api-keys",
    label: "API keys",
    summary: "Keys your backend uses to report usage and read entitlements (/api/v1).",
  },
];

export const ADMIN_SECTIONS: readonly AdminSection[] = SECTIONS.map((section) => ({
  ...section,
  permission: SECTION_PERMISSIONS[section.to],
}));

/** Sections a user may open; the server enforces the same permissions on every procedure. */
export function sectionsFor(permissions: readonly string[]): AdminSection[] {
  return ADMIN_SECTIONS.filter((section) => permissions.includes(section.permission));
}

export function sectionByPath(to: AdminSection["to"]): AdminSection {
  const section = ADMIN_SECTIONS.find((s) => s.to === to);
  if (!section) throw new Error(`Unknown admin section ${to}`);
  return section;
}
