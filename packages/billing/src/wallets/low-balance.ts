import type { Tx } from "@folio/db";
import { enqueueEmail } from "../notifications/emails.ts";

/** Credits are low once the balance falls below this share of what was last added. */
export const LOW_BALANCE_SHARE = 0.2;

/** The balance below which credits are low; null before anything was ever added. */
export function lowBalanceThreshold(lastAdded: number | null): number | null {
  return lastAdded === null ? null : Math.ceil(lastAdded * LOW_BALANCE_SHARE);
}

/**
 * Enqueues the low-balance e-mail when a debit takes the balance from at or above the threshold
 * to below it, inside the debit's transaction. Writers of a wallet are serialized, so each
 * downward crossing is seen by exactly one debit; it re-arms only once credits bring the balance
 * back up. The key names the debit's cause, so a replayed cause never sends a second e-mail.
 */
export async function notifyIfLowBalance(
  tx: Tx,
  c: {
    userId: string;
    lastAdded: number | null;
    before: number;
    after: number;
    cause: string;
    at: Date;
  },
): Promise<void> {
  const threshold = lowBalanceThreshold(c.lastAdded);
  if (threshold === null || threshold === 0) return;
  if (!(c.before >= threshold && c.after < threshold)) return;
  await enqueueEmail({ db: tx, clock: { now: () => c.at } }, "low_balance", c.cause, {
    userId: c.userId,
    balance: c.after,
    threshold,
  });
}
