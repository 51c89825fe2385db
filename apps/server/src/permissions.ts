import type { Role } from "@folio/db";

// The one permission matrix. Procedures name a permission; only this table says who holds it.
// Admin is listed explicitly everywhere so the table reads as the whole truth.
export const PERMISSIONS = {
  // The console's home page; what it shows is narrowed by the permissions below.
  "home.read": ["support", "fulfillment", "finance", "admin"],
  "customers.read": ["support", "finance", "admin"],
  // Resync only realigns Folio's mirror with Stripe (nothing changes in Stripe), so whoever can
  // read a customer may refresh a stale view; a separate permission because it writes.
  "customers.resync": ["support", "finance", "admin"],
  // Orders carry amounts, e-mails and payment data: not for fulfilment, which works from the
  // shipping queue (orders.fulfill) and sees items and the ship-to address only.
  "orders.read": ["support", "finance", "admin"],
  "orders.fulfill": ["fulfillment", "admin"],
  // Support refunds and grants credit up to its per-currency limit (setting
  // approvals.support_limits); above it the action waits for approvals.decide. Finance has no limit.
  "refunds.read": ["support", "finance", "admin"],
  "refunds.create": ["support", "finance", "admin"],
  "credits.grant": ["support", "finance", "admin"],
  // Every customer's usage-credit ledger (units, not money): whoever handles refunds and credit.
  "wallets.read": ["support", "finance", "admin"],
  // Maker/checker: never one's own request (checked in billing/admin/approvals).
  "approvals.decide": ["finance", "admin"],
  "webhooks.read": ["support", "admin"],
  "webhooks.retry": ["admin"],
  // The job queue (e-mails, outbound webhooks, housekeeping); a retry sends again what failed.
  "jobs.read": ["support", "admin"],
  "jobs.retry": ["admin"],
  // The merchant's outbound webhook endpoints hold signing secrets and receive customer data.
  "webhookEndpoints.read": ["admin"],
  "webhookEndpoints.manage": ["admin"],
  "metrics.read": ["finance", "admin"],
  // Closing a month freezes the figures finance reports; kept apart from reading them so a
  // read-only role can be given the dashboard without the books.
  "metrics.close": ["finance", "admin"],
  "staff.manage": ["admin"],
  "audit.read": ["admin"],
  // What the built-in mailbox caught, password-reset and invitation links included: admin only.
  "mail.read": ["admin"],
  "settings.manage": ["admin"],
  // Keys for the usage API (/api/v1): whoever holds one reports usage for any customer.
  "apiKeys.manage": ["admin"],
} as const satisfies Record<string, readonly Exclude<Role, "customer">[]>;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsFor(role: Role): Permission[] {
  return PERMISSION_NAMES.filter((p) => can(role, p));
}
