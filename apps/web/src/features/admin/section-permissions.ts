import type { Permission } from "@/features/auth/session";

// The permission each admin section needs. Every route guard reads this, so it is in the entry
// chunk; the sections' labels and summaries (./sections.ts) load with the console's pages.
export const SECTION_PERMISSIONS = {
  "/admin/customers": "customers.read",
  "/admin/orders": "orders.read",
  "/admin/fulfilment": "orders.fulfill",
  "/admin/refunds": "refunds.read",
  "/admin/wallets": "wallets.read",
  "/admin/approvals": "approvals.decide",
  "/admin/revenue": "metrics.read",
  "/admin/webhooks": "webhooks.read",
  "/admin/jobs": "jobs.read",
  "/admin/outbound-webhooks": "webhookEndpoints.read",
  "/admin/mail": "mail.read",
  "/admin/staff": "staff.manage",
  "/admin/audit": "audit.read",
  "/admin/settings": "settings.manage",
  "/admin/api-keys": "apiKeys.manage",
} as const satisfies Record<string, Permission>;

export type SectionPath = keyof typeof SECTION_PERMISSIONS;
