/**
 * Every domain failure Folio reports to a person. The server maps `code` to an HTTP/tRPC status
 * in one place; `message` must say what happened and what to do about it.
 */
export type DomainErrorCode =
  | "BAD_REQUEST" // input is well-formed but not acceptable (422-ish)
  | "NOT_FOUND"
  | "CONFLICT" // duplicate or conflicting action
  | "PRECONDITION_FAILED" // e.g. not refundable in its current state
  | "FORBIDDEN"
  | "TOO_MANY_REQUESTS"
  | "UPSTREAM"; // Stripe (or the emulator) failed or refused

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
