import {
  ClipboardCheckIcon,
  LineChartIcon,
  PackageCheckIcon,
  ScrollTextIcon,
  SettingsIcon,
  ShieldCheckIcon,
  ShoppingBagIcon,
  Undo2Icon,
  UsersIcon,
  WebhookIcon,
  type LucideIcon,
} from "lucide-react";
import type { Permission } from "@/features/auth/session";

export interface AdminSection {
  to:
    | "/admin/customers"
    | "/admin/orders"
    | "/admin/fulfilment"
    | "/admin/revenue"
    | "/admin/webhooks"
    | "/admin/staff"
    | "/admin/audit"
    | "/admin/refunds"
    | "/admin/approvals"
    | "/admin/settings";
  label: string;
  permission: Permission;
  icon: LucideIcon;
  /** One line on what the section is for, shown on the admin overview. */
  summary: string;
}

/** The admin console's sections, in sidebar order, each behind the permission it needs. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    to: "/admin/customers",
    label: "Customers",
    permission: "customers.read",
    icon: UsersIcon,
    summary: "Look up customers, their subscriptions, invoices and credit.",
  },
  {
    to: "/admin/orders",
    label: "Orders",
    permission: "orders.read",
    icon: ShoppingBagIcon,
    summary: "Every order with its payment, refund and delivery status.",
  },
  {
    to: "/admin/fulfilment",
    label: "Fulfilment",
    permission: "orders.fulfill",
    icon: PackageCheckIcon,
    summary: "Paid orders waiting to be shipped, oldest first.",
  },
  {
    to: "/admin/refunds",
    label: "Refunds",
    permission: "refunds.read",
    icon: Undo2Icon,
    summary: "Every refund staff made or asked for, with its state at Stripe.",
  },
  {
    to: "/admin/approvals",
    label: "Approvals",
    permission: "approvals.decide",
    icon: ClipboardCheckIcon,
    summary: "Refunds and credit changes above support's limit, waiting for a second person.",
  },
  {
    to: "/admin/revenue",
    label: "Revenue",
    permission: "metrics.read",
    icon: LineChartIcon,
    summary: "MRR, churn and revenue by plan.",
  },
  {
    to: "/admin/webhooks",
    label: "Webhooks",
    permission: "webhooks.read",
    icon: WebhookIcon,
    summary: "Stripe events Folio received and how they were processed.",
  },
  {
    to: "/admin/staff",
    label: "Staff",
    permission: "staff.manage",
    icon: ShieldCheckIcon,
    summary: "Staff accounts and their roles.",
  },
  {
    to: "/admin/audit",
    label: "Audit log",
    permission: "audit.read",
    icon: ScrollTextIcon,
    summary: "Who changed what, when, from where and why.",
  },
  {
    to: "/admin/settings",
    label: "Settings",
    permission: "settings.manage",
    icon: SettingsIcon,
    summary: "Approval limits for support, per currency.",
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
