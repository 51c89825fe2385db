import { DomainError } from "@folio/billing";
import type { Context } from "../context.ts";

function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * A throttled request: 429 with Retry-After and a message saying how long to wait. Logged at
 * warn, so repeated guessing or probing shows in the server's log with the address.
 */
export function tooManyAttempts(
  ctx: Pick<Context, "resHeaders" | "log" | "ip">,
  what: string,
  retryAfterSeconds: number,
): DomainError {
  ctx.resHeaders.set("retry-after", String(retryAfterSeconds));
  ctx.log.warn({ ip: ctx.ip, retryAfterSeconds, what }, "request throttled");
  return new DomainError(
    "TOO_MANY_REQUESTS",
    `${what} Try again in ${waitInWords(retryAfterSeconds)}.`,
    { retryAfterSeconds },
  );
}
