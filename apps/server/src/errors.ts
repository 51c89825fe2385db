import type { DomainError, DomainErrorCode } from "@folio/billing";
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

export function toTRPCError(error: DomainError): TRPCError {
  return new TRPCError({ code: DOMAIN_TO_TRPC[error.code], message: error.message, cause: error });
}

export const INTERNAL_ERROR_MESSAGE =
  "Something went wrong on our side. Try again; if it keeps happening, contact support with the request id.";
