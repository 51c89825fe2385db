import type { StripeErrorCode } from "./error-codes.ts";

/**
 * Errors in Stripe's envelope. The HTTP status decides which class the SDK throws
 * (400/404 → StripeInvalidRequestError, 401 → StripeAuthenticationError,
 * 402 → StripeCardError, `type: "idempotency_error"` → StripeIdempotencyError).
 */
export type StripeErrorType =
  | "invalid_request_error"
  | "card_error"
  | "idempotency_error"
  | "api_error"
  | "authentication_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  charge?: string;
  payment_method?: unknown;
  request_log_url?: string;
}

export interface ApiErrorOptions {
  /** Only codes Stripe documents (see error-codes.ts); most parameter errors have none. */
  code?: StripeErrorCode;
  declineCode?: string;
  param?: string;
  /**
   * Commit the transaction even though the request answers with an error. Stripe keeps
   * the failed charge and the payment intent's `last_payment_error` after a decline.
   */
  commit?: boolean;
  /** Extra fields for the error body (`payment_intent`, `charge`, …). */
  extra?: Partial<StripeErrorBody>;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly options: ApiErrorOptions;

  constructor(
    status: number,
    type: StripeErrorType,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.options = options;
  }

  get commit(): boolean {
    return this.options.commit === true;
  }

  toBody(): { error: StripeErrorBody } {
    const error: StripeErrorBody = { type: this.type, message: this.message };
    if (this.options.code) {
      error.code = this.options.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.options.code.replace(/_/g, "-")}`;
    }
    if (this.options.declineCode) error.decline_code = this.options.declineCode;
    if (this.options.param) error.param = this.options.param;
    Object.assign(error, this.options.extra);
    return { error };
  }
}

/** 400 for a parameter that is missing or invalid; `param` uses bracket notation (`items[0][price]`). */
export function invalidParam(param: string, message: string, code?: StripeErrorCode): ApiError {
  return new ApiError(400, "invalid_request_error", message, { param, ...(code ? { code } : {}) });
}

export function missingParam(param: string): ApiError {
  return new ApiError(400, "invalid_request_error", `Missing required param: ${param}.`, {
    param,
    code: "parameter_missing",
  });
}

export function invalidRequest(message: string, options: ApiErrorOptions = {}): ApiError {
  return new ApiError(400, "invalid_request_error", message, options);
}

/** 404 `resource_missing`, worded like Stripe: "No such customer: 'cus_123'". */
export function resourceMissing(what: string, id: string, param = "id"): ApiError {
  return new ApiError(404, "invalid_request_error", `No such ${what}: '${id}'`, {
    code: "resource_missing",
    param,
  });
}

export function cardError(
  message: string,
  code: StripeErrorCode,
  declineCode: string | undefined,
  extra: Partial<StripeErrorBody> = {},
): ApiError {
  return new ApiError(402, "card_error", message, {
    code,
    ...(declineCode ? { declineCode } : {}),
    commit: true,
    extra,
  });
}
