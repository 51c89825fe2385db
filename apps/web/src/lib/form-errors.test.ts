import { TRPCClientError } from "@trpc/client";
import type { UseFormReturn } from "react-hook-form";
import { describe, expect, it } from "vitest";
import { applyServerError } from "@/lib/form-errors";

type Values = { email: string; name: string; password: string };

/** Just enough of a react-hook-form instance to see where errors land. */
function fakeForm() {
  const errors: Record<string, { message?: string; focus: boolean }> = {};
  const form = {
    getValues: () => ({ email: "", name: "", password: "" }),
    setError: (field: string, error: { message?: string }, options?: { shouldFocus?: boolean }) => {
      errors[field] = { message: error.message, focus: options?.shouldFocus ?? false };
    },
  } as unknown as UseFormReturn<Values>;
  return { form, errors };
}

function serverError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { code: -32600, message, data } });
}

describe("applyServerError", () => {
  it("puts zod field errors on their fields and focuses the first", () => {
    const { form, errors } = fakeForm();
    applyServerError(
      form,
      serverError("email: Enter a valid email address", {
        code: "BAD_REQUEST",
        httpStatus: 400,
        zodError: {
          formErrors: [],
          fieldErrors: {
            email: ["Enter a valid email address"],
            password: ["Use at least 10 characters for your password."],
            unknownField: ["ignored"],
          },
        },
      }),
    );
    expect(errors).toEqual({
      email: { message: "Enter a valid email address", focus: true },
      password: { message: "Use at least 10 characters for your password.", focus: false },
    });
  });

  it("maps a code to a field when asked (duplicate email → email)", () => {
    const { form, errors } = fakeForm();
    applyServerError(
      form,
      serverError("An account with a@b.co already exists. Sign in instead.", {
        code: "CONFLICT",
        httpStatus: 409,
      }),
      { CONFLICT: "email" },
    );
    expect(errors).toEqual({
      email: { message: "An account with a@b.co already exists. Sign in instead.", focus: true },
    });
  });

  it("shows anything else as the form's own message", () => {
    const { form, errors } = fakeForm();
    applyServerError(
      form,
      serverError("Too many failed sign-in attempts. Try again in 15 minutes.", {
        code: "TOO_MANY_REQUESTS",
        httpStatus: 429,
      }),
      { CONFLICT: "email" },
    );
    expect(errors).toEqual({
      "root.server": {
        message: "Too many failed sign-in attempts. Try again in 15 minutes.",
        focus: false,
      },
    });
  });
});
