import { TRPCClientError } from "@trpc/client";

/** What the UI needs from any failure: a message for people plus the server's error details. */
export interface ErrorInfo {
  /** tRPC error code (UNAUTHORIZED, CONFLICT, …); undefined when the server was not reached. */
  code: string | undefined;
  httpStatus: number | undefined;
  message: string;
  /** Per-field messages from the server's zod validation, keyed by input field. */
  fieldErrors: Record<string, string[]>;
  /** Input errors not tied to one field. */
  formErrors: string[];
}

export const NETWORK_ERROR_MESSAGE =
  "Can't reach Folio right now. Check your connection and try again.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function fieldErrorsOf(zodError: unknown): Record<string, string[]> {
  if (!isRecord(zodError) || !isRecord(zodError.fieldErrors)) return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(zodError.fieldErrors)) {
    const list = stringArray(messages);
    if (list.length > 0) result[field] = list;
  }
  return result;
}

/**
 * Reads a tRPC (or any) error defensively: the server formats errors as
 * `{ code, httpStatus, zodError? }`, but a proxy or a crashed server can
 * answer with anything, so nothing here trusts the shape.
 */
export function errorInfo(error: unknown): ErrorInfo {
  const data = error instanceof TRPCClientError && isRecord(error.data) ? error.data : undefined;
  if (!data) {
    // No tRPC envelope: the request never got a proper answer (offline, proxy error page).
    return {
      code: undefined,
      httpStatus: undefined,
      message: NETWORK_ERROR_MESSAGE,
      fieldErrors: {},
      formErrors: [],
    };
  }
  const zodError = data.zodError;
  return {
    code: typeof data.code === "string" ? data.code : undefined,
    httpStatus: typeof data.httpStatus === "number" ? data.httpStatus : undefined,
    message: error instanceof Error && error.message ? error.message : "Something went wrong.",
    fieldErrors: fieldErrorsOf(zodError),
    formErrors: isRecord(zodError) ? stringArray(zodError.formErrors) : [],
  };
}

/** 4xx answers are decisions, not glitches: retrying cannot change them. */
export function isClientError(error: unknown): boolean {
  const { httpStatus } = errorInfo(error);
  return httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500;
}

export function isUnauthorized(error: unknown): boolean {
  return errorInfo(error).code === "UNAUTHORIZED";
}
