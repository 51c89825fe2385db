import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { Actor } from "../../audit/actor.ts";
import type { Clock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { formatMoney } from "../../money.ts";
import { getSetting } from "../../settings.ts";

// Who may move money alone and who needs a second pair of eyes (maker/checker). Support acts
// alone up to a per-currency limit (the `approvals.support_limits` setting); finance and admin
// have no limit and are the ones who decide on requests.

export type StaffActor = Extract<Actor, { type: "staff" }>;

/** What a staff money command takes. */
export interface StaffCommandDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
  actor: StaffActor;
}

const MONEY_ROLES = new Set(["support", "finance", "admin"]);
const DECIDING_ROLES = new Set(["finance", "admin"]);

/** Refuses staff whose role cannot refund or grant credit at all. */
export function assertCanMoveMoney(actor: StaffActor): void {
  if (!MONEY_ROLES.has(actor.role)) {
    throw new DomainError("FORBIDDEN", "Your role cannot refund or grant credit.");
  }
}

/** Refuses staff whose role cannot approve or reject requests. */
export function assertCanDecide(actor: StaffActor): void {
  if (!DECIDING_ROLES.has(actor.role)) {
    throw new DomainError("FORBIDDEN", "Only finance or an admin can approve or reject requests.");
  }
}

/**
 * Whether `amount` (minor units, either sign) in `currency` needs approval when `actor` asks
 * for it. Support's limit is per currency; a currency with no limit set always needs approval.
 */
export async function needsApproval(
  db: Db,
  actor: StaffActor,
  amount: number,
  currency: string,
): Promise<boolean> {
  if (actor.role !== "support") return false;
  const limits = await getSetting(db, "approvals.support_limits");
  const limit = limits[currency];
  return limit === undefined || Math.abs(amount) > limit;
}

/** The limit support has in `currency`, in words, for messages. */
export async function supportLimitText(db: Db, currency: string): Promise<string> {
  const limit = (await getSetting(db, "approvals.support_limits"))[currency];
  return limit === undefined
    ? `no limit is set for ${currency.toUpperCase()}`
    : `support's limit is ${formatMoney(limit, currency)}`;
}
