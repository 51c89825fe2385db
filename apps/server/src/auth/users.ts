import { DomainError, type Clock } from "@folio/billing";
import { users, type Db, type Role } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password.ts";

// Input rules shared by sign-up, the CLI and demo seeding so every path accepts the same users.
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
  });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
}

/**
 * Inserts a user with an argon2id password hash. Throws CONFLICT when the email is taken
 * (checked up front for a clear message, and again by the unique index for races).
 */
export async function createUser(
  db: Db,
  clock: Clock,
  input: NewUser,
): Promise<{ id: string; email: string; name: string; role: Role }> {
  const email = normalizeEmail(input.email);
  const conflict = () =>
    new DomainError("CONFLICT", `An account with ${email} already exists. Sign in instead.`);
  if (findUserByEmail(db, email)) throw conflict();

  const row = await newUserRow(clock, input);
  try {
    db.insert(users).values(row).run();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** The users row for `input` (argon2id hash, normalised email), for callers that insert it. */
export async function newUserRow(clock: Clock, input: NewUser) {
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  return {
    id: crypto.randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    passwordHash,
    createdAt: now,
    updatedAt: now,
  };
}

export function findUserByEmail(db: Db, email: string) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    error.code === "SQLITE_CONSTRAINT_UNIQUE"
  );
}
