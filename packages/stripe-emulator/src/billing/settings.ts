import type { Ctx } from "../core/types.ts";

/**
 * Knobs for the time-driven billing jobs, in seconds so tests can compress them. Stored in
 * the `meta` table (so a standalone emulator keeps them across restarts; `reset` restores
 * the defaults) and changed through `POST /_emulator/billing/settings`.
 */
export interface BillingSettings {
  /**
   * Smart-Retries-like schedule: seconds after the first failed attempt at which the invoice
   * is retried. Default +3, +5 and +7 days.
   */
  retrySchedule: number[];
  /** What happens to the subscription when the last retry fails. */
  afterFinalFailure: "cancel" | "unpaid" | "past_due";
  /** Also mark the invoice uncollectible when the last retry fails. */
  markUncollectibleAfterFinalFailure: boolean;
  /** Renewal invoices stay draft this long before being finalized (Stripe: about an hour). */
  draftFinalizeDelay: number;
  /** `customer.subscription.trial_will_end` fires this long before the trial ends. */
  trialWillEndBefore: number;
  /** `invoice.upcoming` fires this long before a renewal (0 disables it). */
  upcomingInvoiceBefore: number;
  /** An `incomplete` subscription expires after this long. */
  incompleteExpiresAfter: number;
}

const DAY = 86_400;

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  retrySchedule: [3 * DAY, 5 * DAY, 7 * DAY],
  afterFinalFailure: "cancel",
  markUncollectibleAfterFinalFailure: false,
  draftFinalizeDelay: 3_600,
  trialWillEndBefore: 3 * DAY,
  upcomingInvoiceBefore: 3 * DAY,
  incompleteExpiresAfter: 23 * 3_600,
};

const KEY = "billing_settings";

export function getBillingSettings(ctx: Pick<Ctx, "store">): BillingSettings {
  const raw = ctx.store.getMeta(KEY);
  if (!raw) return { ...DEFAULT_BILLING_SETTINGS };
  return { ...DEFAULT_BILLING_SETTINGS, ...(JSON.parse(raw) as Partial<BillingSettings>) };
}

export function setBillingSettings(
  ctx: Pick<Ctx, "store">,
  patch: Partial<BillingSettings>,
): BillingSettings {
  const next = { ...getBillingSettings(ctx), ...patch };
  ctx.store.setMeta(KEY, JSON.stringify(next));
  return next;
}
