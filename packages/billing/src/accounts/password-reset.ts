import { sessions, users, withTransaction, type Db, type Role } from "@folio/db";
import { eq } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { enqueueEmail } from "../notifications/emails.ts";
import { accountKind } from "./context.ts";
import { emailSchema, parseInput, passwordSchema } from "./input.ts";
import { hashPassword } from "./password.ts";
import { consumeAccountToken } from "./tokens.ts";

// "Forgot password?": a request e-mails a link (the job mints the token, so its secret is never
// stored anywhere but in the e-mail), the link sets a new password once and signs every session
// of the account out. Whether an account exists is never revealed: unknown and disabled accounts
// get the same answer and simply no e-mail.

/** The account holder acting on their own account (before any session exists). */
export function selfActor(user: { id: string; role: Role }, ip: string | null): Actor {
  return user.role === "customer"
    ? { type: "customer", userId: user.id, ip }
    : { type: "staff", userId: user.id, role: user.role, ip };
}

interface Deps {
  db: Db;
  clock: Clock;
}

/**
 * Enqueues the reset e-mail when `email` belongs to an enabled account. Returns nothing either
 * way; the caller answers the same to everyone and throttles before calling.
 */
export async function requestPasswordReset(
  { db, clock }: Deps,
  input: { email: string; ip: string | null },
): Promise<void> {
  const email = parseInput(emailSchema, input.email);
  const user = await db
    .select({ id: users.id, role: users.role, disabled: users.disabled })
    .from(users)
    .where(eq(users.email, email))
    .get();
  if (!user || user.disabled) return;
  await withTransaction(db, async (tx) => {
    const now = clock.now();
    await enqueueEmail({ db: tx, clock }, "password_reset", crypto.randomUUID(), {
      userId: user.id,
    });
    await audit(tx, selfActor(user, input.ip), {
      action: `${accountKind(user.role)}.password_reset_requested`,
      target: `user:${user.id}`,
      at: now,
    });
  });
}

/**
 * Sets the password of the account the reset link was for, ends all its sessions and uses the
 * link up, in one transaction. Returns the user so the caller can start a fresh session.
 */
export async function resetPassword(
  { db, clock }: Deps,
  input: { token: string; newPassword: string; ip: string | null },
): Promise<{ userId: string; sessionsEnded: number }> {
  const newPassword = parseInput(passwordSchema, input.newPassword);
  const passwordHash = await hashPassword(newPassword);
  return withTransaction(db, async (tx) => {
    const token = await consumeAccountToken(tx, clock, "password_reset", input.token);
    const user = token.userId
      ? await tx
          .select({ id: users.id, role: users.role, disabled: users.disabled })
          .from(users)
          .where(eq(users.id, token.userId))
          .get()
      : undefined;
    if (!user || user.disabled) {
      throw new DomainError("FORBIDDEN", "This account is disabled. Contact the administrator.");
    }
    const now = clock.now();
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, user.id))
      .returning({ id: sessions.id });
    await audit(tx, selfActor(user, input.ip), {
      action: `${accountKind(user.role)}.password_reset`,
      target: `user:${user.id}`,
      after: { sessionsEnded: ended.length },
      at: now,
    });
    return { userId: user.id, sessionsEnded: ended.length };
  });
}
