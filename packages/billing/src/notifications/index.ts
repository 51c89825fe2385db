// E-mails as jobs: payloads, enqueueing, and the sync hook that enqueues them from Stripe changes.
export {
  EMAIL_PAYLOADS,
  emailJobKind,
  enqueueEmail,
  type EmailKind,
  type EmailPayload,
} from "./emails.ts";
export { emailHook, TRIAL_REMINDER_MS } from "./hook.ts";
