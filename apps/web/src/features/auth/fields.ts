import * as z from "@/lib/zod";

// Field rules the auth and account forms share. They mirror the server's so most mistakes are
// caught before a round trip; the server still decides, and its messages land on the same fields.

export const PASSWORD_MIN_LENGTH = 10;

export const nameField = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, { error: "Enter your name." }),
    z.maxLength(100, { error: "Names can be at most 100 characters." }),
  );

export const emailField = z.pipe(
  z.string().check(z.trim(), z.minLength(1, { error: "Enter your email address." })),
  z.email({ error: "Enter a valid email address, like name@example.com." }),
);

/** A password being chosen (sign-up, change): the length rules. */
export const newPasswordField = z.string().check(
  z.minLength(PASSWORD_MIN_LENGTH, {
    error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`,
  }),
  z.maxLength(256, { error: "Passwords can be at most 256 characters." }),
);
