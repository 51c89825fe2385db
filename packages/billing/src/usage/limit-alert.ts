import type { Tx } from "@folio/db";
import { enqueueEmail } from "../notifications/emails.ts";
import type { CounterRow } from "./plan.ts";

/**
 * Enqueues the limit-reached e-mail when this draw-down used up the last of a blocked plan's
 * allowance for the period (`row` as read before it, `included` what it added). One per counter,
 * that is per customer, meter and period: the next period's counter can send it again.
 */
export async function notifyIfLimitReached(
  tx: Tx,
  row: CounterRow,
  included: number,
  now: Date,
): Promise<void> {
  const cap = row.included;
  if (row.overage !== "blocked" || cap === null || cap === 0 || included === 0) return;
  if (row.includedUsed >= cap || row.includedUsed + included < cap) return;
  await enqueueEmail({ db: tx, clock: { now: () => now } }, "usage_limit_reached", `${row.id}`, {
    userId: row.userId,
    meterKey: row.meterKey,
    included: cap,
    periodEnd: row.periodEnd.getTime(),
  });
}
