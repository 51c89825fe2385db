import { isDomainError } from "../errors.ts";
import { isStripeError } from "../stripe-errors.ts";

// A Stripe outage as the inbox sees it. The start of an event's streak of "Stripe unreachable"
// failures is kept in its `last_error` (no column for it), so every instance and the admin page
// read the same thing from the database.

const PREFIX = "Stripe unreachable since ";
const MARKER = /^Stripe unreachable since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z): /;

/** Stripe did not answer, or answered with a server error: nothing the event did wrong, and
 * retrying later helps. */
export function stripeUnreachable(err: unknown): boolean {
  const type = isStripeError(err)
    ? err.type
    : isDomainError(err) && typeof err.details?.stripeType === "string"
      ? err.details.stripeType
      : null;
  if (type === "StripeConnectionError") return true;
  if (type !== "StripeAPIError") return false;
  const status = isStripeError(err) ? err.statusCode : undefined;
  return status === undefined || status >= 500;
}

/** The error to record for a failure while Stripe is unreachable, starting `since`. */
export function unreachableError(since: Date, message: string): string {
  return `${PREFIX}${since.toISOString()}: ${message}`;
}

/** When the streak recorded in an event's last error started, or null if it was another error. */
export function unreachableSince(lastError: string | null): Date | null {
  const m = lastError ? MARKER.exec(lastError) : null;
  return m?.[1] ? new Date(m[1]) : null;
}

/** A LIKE pattern for errors recorded by `unreachableError`. Their timestamps have one format, so
 * the smallest such error holds the earliest start. */
export const UNREACHABLE_ERROR_LIKE = `${PREFIX}%`;
