import type { MirrorKind } from "./kinds.ts";

export interface EventTarget {
  kind: MirrorKind;
  /** The event announces a deletion: the object is tombstoned for good. */
  deleted: boolean;
}

const RULES: Array<[RegExp, MirrorKind, boolean]> = [
  [/^customer\.(created|updated)$/, "customer", false],
  [/^customer\.deleted$/, "customer", true],
  [/^product\.(created|updated)$/, "product", false],
  [/^product\.deleted$/, "product", true],
  [/^price\.(created|updated)$/, "price", false],
  [/^price\.deleted$/, "price", true],
  // `customer.subscription.deleted` means canceled: a normal update of the status, not a tombstone.
  [
    /^customer\.subscription\.(created|updated|deleted|paused|resumed|trial_will_end|pending_update_applied|pending_update_expired)$/,
    "subscription",
    false,
  ],
  [
    /^invoice\.(created|updated|finalized|finalization_failed|paid|payment_succeeded|payment_failed|payment_action_required|payment_attempt_required|marked_uncollectible|voided|sent|overdue|overpaid|will_be_due)$/,
    "invoice",
    false,
  ],
  [/^invoice\.deleted$/, "invoice", true],
  [/^invoice_payment\.paid$/, "invoice_payment", false],
  [
    /^payment_intent\.(created|succeeded|canceled|processing|payment_failed|requires_action|amount_capturable_updated|partially_funded)$/,
    "payment_intent",
    false,
  ],
  [/^charge\.(succeeded|failed|captured|refunded|updated|expired|pending)$/, "charge", false],
  [/^charge\.refund\.updated$/, "refund", false],
  [/^refund\.(created|updated|failed)$/, "refund", false],
  [
    /^charge\.dispute\.(created|updated|closed|funds_withdrawn|funds_reinstated)$/,
    "dispute",
    false,
  ],
  [
    /^checkout\.session\.(completed|expired|async_payment_succeeded|async_payment_failed)$/,
    "checkout_session",
    false,
  ],
];

/** What a (snapshot) event type updates, or null for types Folio does not handle — including
 * thin `v1.*` events and anything Stripe adds later. */
export function eventTarget(type: string): EventTarget | null {
  for (const [re, kind, deleted] of RULES) if (re.test(type)) return { kind, deleted };
  return null;
}
