import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorInfo, isClientError, NETWORK_ERROR_MESSAGE } from "@/lib/errors";

function trpcError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { code: -32600, message, data } });
}

describe("errorInfo", () => {
  it("reads zod field errors from a BAD_REQUEST", () => {
    const error = trpcError("password: Use at least 10 characters for your password.", {
      code: "BAD_REQUEST",
      httpStatus: 400,
      zodError: {
        formErrors: [],
        fieldErrors: { password: ["Use at least 10 characters for your password."] },
      },
    });
    const info = errorInfo(error);
    expect(info.code).toBe("BAD_REQUEST");
    expect(info.fieldErrors).toEqual({
      password: ["Use at least 10 characters for your password."],
    });
    expect(isClientError(error)).toBe(true);
  });

  it("keeps the server's message for throttling", () => {
    const info = errorInfo(
      trpcError("Too many failed sign-in attempts. Try again in 15 minutes.", {
        code: "TOO_MANY_REQUESTS",
        httpStatus: 429,
        retryAfterSeconds: 900,
      }),
    );
    expect(info.message).toBe("Too many failed sign-in attempts. Try again in 15 minutes.");
    expect(info.fieldErrors).toEqual({});
  });

  it("treats an answer without a tRPC envelope as a network failure", () => {
    const info = errorInfo(new TypeError("Failed to fetch"));
    expect(info.code).toBeUndefined();
    expect(info.message).toBe(NETWORK_ERROR_MESSAGE);
    expect(isClientError(new TypeError("Failed to fetch"))).toBe(false);
  });

  it("does not treat server errors as client errors", () => {
    const error = trpcError("Something went wrong on our side.", {
      code: "INTERNAL_SERVER_ERROR",
      httpStatus: 500,
    });
    expect(isClientError(error)).toBe(false);
  });
});
