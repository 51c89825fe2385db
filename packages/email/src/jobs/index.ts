import type { JobDefinition } from "@folio/billing";
import { emailChangeJob, passwordResetJob, staffInvitationJob } from "./account.ts";
import {
  creditGrantedJob,
  paymentFailedJob,
  subscriptionChangedJob,
  trialEndingJob,
} from "./billing.ts";
import { orderConfirmationJob, orderShippedJob, refundIssuedJob } from "./commerce.ts";
import type { EmailJobContext } from "./context.ts";
import { lowBalanceJob, usageLimitReachedJob } from "./usage.ts";

export { type EmailJobContext, type MailServices } from "./context.ts";

/** One job per e-mail kind in @folio/billing's EMAIL_PAYLOADS. */
export const emailJobs = [
  orderConfirmationJob,
  orderShippedJob,
  refundIssuedJob,
  paymentFailedJob,
  trialEndingJob,
  subscriptionChangedJob,
  creditGrantedJob,
  lowBalanceJob,
  usageLimitReachedJob,
  passwordResetJob,
  emailChangeJob,
  staffInvitationJob,
] as unknown as readonly JobDefinition<unknown, EmailJobContext>[];
