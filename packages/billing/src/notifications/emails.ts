import { ROLES, type Tx } from "@folio/db";
import { z } from "zod";
import type { Clock } from "../clock.ts";
import { enqueueJob } from "../jobs/enqueue.ts";

// The e-mails Folio sends, as jobs: each kind's payload (what the cause knew; the job reads the
// rest when it runs) and one way to enqueue them. @folio/email defines the jobs that render and
// send them. Keys name the cause, so a cause seen twice (a replayed hook, a retried command)
// enqueues one e-mail.

const id = z.string().min(1);
const ms = z.number().int();
const customerId = id.describe(
  "Stripe customer id: the recipient is its Folio user, or its e-mail",
);

export const EMAIL_PAYLOADS = {
  order_confirmation: z.object({ orderId: id }),
  order_shipped: z.object({ taskId: id }),
  refund_issued: z.object({
    refundId: id,
    customerId,
    orderId: id.nullable(),
    amount: z.number().int(),
    currency: z.string(),
    refundedAt: ms,
  }),
  payment_failed: z.object({
    invoiceId: id,
    customerId,
    amount: z.number().int(),
    currency: z.string(),
    nextAttemptAt: ms.nullable(),
  }),
  trial_ending: z.object({ subscriptionId: id, customerId, trialEnd: ms }),
  subscription_changed: z.object({
    subscriptionId: id,
    customerId,
    change: z.enum(["changed", "cancel_scheduled", "canceled"]),
    planName: z.string(),
    effectiveAt: ms,
  }),
  credit_granted: z.object({
    transactionId: id,
    customerId,
    amount: z.number().int().positive(),
    currency: z.string(),
    balance: z.number().int(),
    reason: z.string().nullable(),
  }),
  low_balance: z.object({
    userId: id,
    /** The balance after the draw-down that crossed, and the threshold it fell below. */
    balance: z.number().int().nonnegative(),
    threshold: z.number().int().positive(),
  }),
  usage_limit_reached: z.object({
    userId: id,
    meterKey: id,
    included: z.number().int().positive(),
    periodEnd: ms,
  }),
  password_reset: z.object({ userId: id }),
  email_change: z.object({ userId: id, newEmail: z.string() }),
  staff_invitation: z.object({
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    invitedBy: id,
  }),
} as const;

export type EmailKind = keyof typeof EMAIL_PAYLOADS;
export type EmailPayload<K extends EmailKind> = z.output<(typeof EMAIL_PAYLOADS)[K]>;

export const emailJobKind = (kind: EmailKind) => `email.${kind}` as const;

/**
 * Enqueues e-mail `kind` inside the caller's transaction; `cause` identifies what it is about
 * (an order id, a refund id, a request id): one e-mail per kind and cause, ever.
 */
export function enqueueEmail<K extends EmailKind>(
  deps: { db: Tx; clock: Clock },
  kind: K,
  cause: string,
  payload: EmailPayload<K>,
  runAt?: Date,
) {
  return enqueueJob(deps, {
    kind: emailJobKind(kind),
    payload,
    key: `${emailJobKind(kind)}:${cause}`,
    ...(runAt ? { runAt } : {}),
  });
}
