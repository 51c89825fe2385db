import { isDomainError, type DomainError, type DomainErrorCode } from "@folio/billing";
import { InvalidCursorError } from "@folio/db";
import { TRPCError } from "@trpc/server";

// The one mapping from domain failures to tRPC (and so HTTP) codes.
const DOMAIN_TO_TRPC = {
  BAD_REQUEST: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  FORBIDDEN: "FORBIDDEN",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  UPSTREAM: "BAD_GATEWAY",
} as const satisfies Record<DomainErrorCode, TRPCError["code"]>;

/** Failures with a message meant for the client, mapped below. */
export type ExpectedError = DomainError | InvalidCursorError;

export function isExpectedError(error: unknown): error is ExpectedError {
  return isDomainError(error) || error instanceof InvalidCursorError;
}

export function toTRPCError(error: ExpectedError): TRPCError {
  // A cursor from another list, an old release or a hand-edited URL: start over, not a 500.
  const code = error instanceof InvalidCursorError ? "BAD_REQUEST" : DOMAIN_TO_TRPC[error.code];
  return new TRPCError({ code, message: error.message, cause: error });
}

export const INTERNAL_ERROR_MESSAGE =
  "Something went wrong on our side. Try again; if it keeps happening, contact support with the request id.";
