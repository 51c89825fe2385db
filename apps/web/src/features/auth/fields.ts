import { z } from "zod";

// Field rules the auth and account forms share. They mirror the server's so most mistakes are
// caught before a round trip; the server still decides, and its messages land on the same fields.

export const PASSWORD_MIN_LENGTH = 10;

export const nameField = z
  .string()
  .trim()
  .min(1, { error: "Enter your name." })
  .max(100, { error: "Names can be at most 100 characters." });

export const emailField = z
  .string()
  .trim()
  .min(1, { error: "Enter your email address." })
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

/** A password being chosen (sign-up, change): the length rules. */
export const newPasswordField = z
  .string()
  .min(PASSWORD_MIN_LENGTH, {
    error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`,
  })
  .max(256, { error: "Passwords can be at most 256 characters." });
