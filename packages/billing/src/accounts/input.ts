import { z } from "zod";
import { DomainError } from "../errors.ts";
import { isCommonPassword } from "./common-passwords.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password.ts";

// Input rules shared by sign-up, staff screens, the CLI and demo seeding, so every path accepts
// the same users. Callers parse with them for field-level messages; the accounts functions parse
// again, so nothing reaches the database unchecked.

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }).max(254));

export const nameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter your name." })
  .max(100, { error: "Names can be at most 100 characters." });

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, {
    error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`,
  })
  .max(PASSWORD_MAX_LENGTH, {
    error: `Passwords can be at most ${PASSWORD_MAX_LENGTH} characters.`,
  })
  .refine((password) => password.trim() !== "", {
    error: "A password cannot be only spaces. Use words, letters, numbers or symbols.",
  })
  .refine((password) => !isCommonPassword(password), {
    error:
      "This password is one of the first that attackers try. Choose a less common one, such as a few unrelated words.",
  });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Parses with `schema`, turning the first problem into a BAD_REQUEST naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".");
  throw new DomainError(
    "BAD_REQUEST",
    `${field ? `${field}: ` : ""}${issue?.message ?? "invalid input"}`,
  );
}
