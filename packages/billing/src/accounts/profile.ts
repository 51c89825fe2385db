import { isUniqueViolation, sessions, users, withTransaction, type Db, type Tx } from "@folio/db";
import { and, eq, ne } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { stripeCustomerIdFor } from "../records/customer-link.ts";
import { recordHooks } from "../records/index.ts";
import { callStripe } from "../stripe-errors.ts";
import { storeStripeResult } from "../sync/write-path.ts";
import { accountKind } from "./context.ts";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "./input.ts";
import { hashPassword, verifyPassword } from "./password.ts";

// A signed-in user changing their own account: name and email, password. Both need the current
// password, so a session left open on a shared computer cannot take the account over.

/** The signed-in user acting on their own account (customers and staff alike). */
type SelfActor = Extract<Actor, { type: "customer" | "staff" }>;

export interface ProfileContext {
  db: Db;
  clock: Clock;
  actor: SelfActor;
}

/** The DomainError for a wrong current password; the server counts these like failed sign-ins. */
export const WRONG_PASSWORD = "wrong_password";

export function isWrongPassword(e: unknown): boolean {
  return e instanceof DomainError && e.details?.reason === WRONG_PASSWORD;
}

async function confirmPassword(db: Db, userId: string, password: string) {
  const row = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", "Your account no longer exists.");
  if (!(await verifyPassword(row.passwordHash, password))) {
    throw new DomainError("BAD_REQUEST", "Your current password is not correct.", {
      field: "currentPassword",
      reason: WRONG_PASSWORD,
    });
  }
  return row;
}

const profileSchema = z.object({ name: nameSchema, email: emailSchema });

export interface UpdateProfileInput {
  name: string;
  email: string;
  currentPassword: string;
  /** A uuid the client made once per form visit: a retry reuses the Stripe update. */
  attemptId: string;
}

export interface UpdatedProfile {
  name: string;
  email: string;
  /** False when nothing differed (nothing written, nothing audited). */
  changed: boolean;
}

/**
 * Changes the signed-in user's name and email after checking their password. An email another
 * account uses is a CONFLICT. When the user has a Stripe customer, Stripe gets the new name and
 * email first (invoices are addressed with them), and the customer Stripe returns is stored with
 * the user's row and the audit row in one transaction; if Stripe refuses, nothing changes.
 */
export async function updateProfile(
  { db, clock, actor, stripe }: ProfileContext & { stripe: Stripe | undefined },
  input: UpdateProfileInput,
): Promise<UpdatedProfile> {
  const next = parseInput(profileSchema, { name: input.name, email: input.email });
  const user = await confirmPassword(db, actor.userId, input.currentPassword);
  if (user.name === next.name && user.email === next.email) {
    return { ...next, changed: false };
  }
  const taken = () =>
    new DomainError(
      "CONFLICT",
      `Another account already uses ${next.email}. Use a different email address.`,
      { field: "email" },
    );
  if (next.email !== user.email) {
    const other = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, next.email), ne(users.id, user.id)))
      .get();
    if (other) throw taken();
  }

  const kind = accountKind(user.role);
  const entry = {
    action: `${kind}.profile_updated`,
    target: `user:${user.id}`,
    before: { name: user.name, email: user.email },
    after: next,
  };
  const write = async (tx: Tx) => {
    await tx
      .update(users)
      .set({ name: next.name, email: next.email, updatedAt: clock.now() })
      .where(eq(users.id, user.id));
  };

  const customerId = await stripeCustomerIdFor(db, user.id);
  try {
    if (customerId && stripe) {
      const customer = await callStripe("update your billing details", () =>
        stripe.customers.update(
          customerId,
          { name: next.name, email: next.email },
          { idempotencyKey: `folio-profile-${user.id}-${input.attemptId}` },
        ),
      );
      await storeStripeResult(
        { db, stripe, clock, hooks: recordHooks },
        { object: customer, actor, audit: entry, also: write },
      );
    } else {
      if (customerId) {
        throw new DomainError(
          "UPSTREAM",
          "Billing is not connected to Stripe on this server, so your billing details cannot change now. Try again later.",
        );
      }
      await withTransaction(db, async (tx) => {
        await write(tx);
        await audit(tx, actor, { ...entry, at: clock.now() });
      });
    }
  } catch (e) {
    // Someone took the address between the check and the write.
    if (isUniqueViolation(e)) throw taken();
    throw e;
  }
  return { ...next, changed: true };
}

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
  /** The session making the change: it stays signed in, every other one ends. */
  keepSessionId: string | null;
}

/**
 * Sets a new password after checking the current one, and ends every other session of the user
 * (whoever may know the old password is signed out). The hash, the ended sessions and the audit
 * row (`customer.password_changed`, no secrets in it) commit together.
 */
export async function changePassword(
  { db, clock, actor }: ProfileContext,
  input: ChangePasswordInput,
): Promise<{ sessionsEnded: number }> {
  const newPassword = parseInput(passwordSchema, input.newPassword);
  const user = await confirmPassword(db, actor.userId, input.currentPassword);
  if (newPassword === input.currentPassword) {
    throw new DomainError(
      "BAD_REQUEST",
      "Choose a new password that differs from the current one.",
      {
        field: "newPassword",
      },
    );
  }
  const passwordHash = await hashPassword(newPassword);
  return withTransaction(db, async (tx) => {
    const now = clock.now();
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    const others = input.keepSessionId
      ? and(eq(sessions.userId, user.id), ne(sessions.id, input.keepSessionId))
      : eq(sessions.userId, user.id);
    const ended = await tx.delete(sessions).where(others).returning({ id: sessions.id });
    await audit(tx, actor, {
      action: `${accountKind(user.role)}.password_changed`,
      target: `user:${user.id}`,
      after: { otherSessionsEnded: ended.length },
      at: now,
    });
    return { sessionsEnded: ended.length };
  });
}
