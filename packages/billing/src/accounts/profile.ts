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
import { enqueueEmail } from "../notifications/emails.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { selfActor } from "./password-reset.ts";
import { consumeAccountToken, findAccountToken } from "./tokens.ts";

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
  /** The address the account signs in with (unchanged until the new one is confirmed). */
  email: string;
  /** False when nothing differed (nothing written, nothing audited). */
  changed: boolean;
  /** A new address waiting for the confirmation link e-mailed to it; null when none was asked. */
  pendingEmail: string | null;
}

/**
 * Changes the signed-in user's name after checking their password; a new email is not taken on
 * trust but e-mailed a confirmation link (confirmEmailChange applies it). An email another
 * account uses is a CONFLICT. When the user has a Stripe customer, Stripe gets the new name
 * first (invoices are addressed with it), and the customer Stripe returns is stored with the
 * user's row, the e-mail job and the audit row in one transaction; if Stripe refuses, nothing
 * changes.
 */
export async function updateProfile(
  { db, clock, actor, stripe }: ProfileContext & { stripe: Stripe | undefined },
  input: UpdateProfileInput,
): Promise<UpdatedProfile> {
  const next = parseInput(profileSchema, { name: input.name, email: input.email });
  const user = await confirmPassword(db, actor.userId, input.currentPassword);
  const emailChanges = next.email !== user.email;
  if (user.name === next.name && !emailChanges) {
    return { ...next, changed: false, pendingEmail: null };
  }
  if (emailChanges) await assertEmailFree(db, next.email, user.id);

  const pendingEmail = emailChanges ? next.email : null;
  const entry = {
    action: `${accountKind(user.role)}.profile_updated`,
    target: `user:${user.id}`,
    before: { name: user.name, email: user.email },
    after: { name: next.name, email: user.email, pendingEmail },
  };
  const write = async (tx: Tx) => {
    if (next.name !== user.name) {
      await tx
        .update(users)
        .set({ name: next.name, updatedAt: clock.now() })
        .where(eq(users.id, user.id));
    }
    if (pendingEmail) {
      await enqueueEmail({ db: tx, clock }, "email_change", `${user.id}:${input.attemptId}`, {
        userId: user.id,
        newEmail: pendingEmail,
      });
    }
  };

  const customerId = next.name !== user.name ? await stripeCustomerIdFor(db, user.id) : null;
  if (customerId && stripe) {
    const customer = await callStripe("update your billing details", () =>
      stripe.customers.update(
        customerId,
        { name: next.name },
        { idempotencyKey: `folio-profile-${user.id}-${input.attemptId}` },
      ),
    );
    await storeStripeResult(
      { db, stripe, clock, hooks: recordHooks },
      { object: customer, actor, audit: entry, also: write },
    );
  } else {
    if (customerId) throw stripeMissing();
    await withTransaction(db, async (tx) => {
      await write(tx);
      await audit(tx, actor, { ...entry, at: clock.now() });
    });
  }
  return { name: next.name, email: user.email, changed: true, pendingEmail };
}

const stripeMissing = () =>
  new DomainError(
    "UPSTREAM",
    "Billing is not connected to Stripe on this server, so your billing details cannot change now. Try again later.",
  );

const emailTaken = (email: string) =>
  new DomainError(
    "CONFLICT",
    `Another account already uses ${email}. Use a different email address.`,
    {
      field: "email",
    },
  );

async function assertEmailFree(db: Db, email: string, userId: string) {
  const other = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)))
    .get();
  if (other) throw emailTaken(email);
}

/**
 * Applies an e-mail change from its confirmation link (once, within 30 minutes): the new address
 * goes to Stripe first when the user has a customer there, then to the account, with the link
 * used up and the audit row (`customer.email_changed`) in one transaction.
 */
export async function confirmEmailChange(
  { db, clock, stripe }: { db: Db; clock: Clock; stripe: Stripe | undefined },
  input: { token: string; ip: string | null },
): Promise<{ email: string }> {
  const token = await findAccountToken({ db, clock }, "email_change", input.token);
  const user = token.userId
    ? await db
        .select({ id: users.id, role: users.role, email: users.email })
        .from(users)
        .where(eq(users.id, token.userId))
        .get()
    : undefined;
  if (!user) throw new DomainError("NOT_FOUND", "This account no longer exists.");
  await assertEmailFree(db, token.email, user.id);
  const actor = selfActor(user, input.ip);
  const entry = {
    action: `${accountKind(user.role)}.email_changed`,
    target: `user:${user.id}`,
    before: { email: user.email },
    after: { email: token.email },
  };
  const write = async (tx: Tx) => {
    await consumeAccountToken(tx, clock, "email_change", input.token);
    await tx
      .update(users)
      .set({ email: token.email, updatedAt: clock.now() })
      .where(eq(users.id, user.id));
  };
  const customerId = await stripeCustomerIdFor(db, user.id);
  try {
    if (customerId && stripe) {
      const customer = await callStripe("update your billing details", () =>
        stripe.customers.update(
          customerId,
          { email: token.email },
          { idempotencyKey: `folio-email-change-${token.id}` },
        ),
      );
      await storeStripeResult(
        { db, stripe, clock, hooks: recordHooks },
        { object: customer, actor, audit: entry, also: write },
      );
    } else {
      if (customerId) throw stripeMissing();
      await withTransaction(db, async (tx) => {
        await write(tx);
        await audit(tx, actor, { ...entry, at: clock.now() });
      });
    }
  } catch (e) {
    // Someone took the address between the check and the write.
    if (isUniqueViolation(e)) throw emailTaken(token.email);
    throw e;
  }
  return { email: token.email };
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
