import {
  accountTokens,
  isUniqueViolation,
  ROLES,
  users,
  withTransaction,
  type Db,
  type Role,
} from "@folio/db";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { enqueueEmail } from "../notifications/emails.ts";
import { assertMayManageAccounts } from "./context.ts";
import { emailSchema, nameSchema, parseInput, passwordSchema } from "./input.ts";
import { hashPassword } from "./password.ts";
import { selfActor } from "./password-reset.ts";
import { consumeAccountToken, findAccountToken } from "./tokens.ts";

// Staff invitations: an admin names the person, their address and role; the e-mailed link lets
// them choose a password, which creates the account. Nobody ever handles their password.

const STAFF_ROLES = ROLES.filter((r) => r !== "customer") as [Role, ...Role[]];
const inviteSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: z.enum(STAFF_ROLES, { error: `Use one of: ${STAFF_ROLES.join(", ")}.` }),
});

const taken = (email: string) =>
  new DomainError("CONFLICT", `An account with ${email} already exists.`, { field: "email" });

/** E-mails an invitation (a new one replaces a pending one for the same address), audited. */
export async function inviteStaff(
  { db, clock, actor }: { db: Db; clock: Clock; actor: Extract<Actor, { type: "staff" }> },
  input: z.input<typeof inviteSchema>,
): Promise<{ email: string }> {
  assertMayManageAccounts(actor);
  const invite = parseInput(inviteSchema, input);
  const existing = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, invite.email))
    .get();
  if (existing) throw taken(invite.email);
  await withTransaction(db, async (tx) => {
    const now = clock.now();
    await enqueueEmail({ db: tx, clock }, "staff_invitation", crypto.randomUUID(), {
      ...invite,
      invitedBy: actor.userId,
    });
    await audit(tx, actor, {
      action: "staff.invited",
      target: `invitation:${invite.email}`,
      after: invite,
      at: now,
    });
  });
  return { email: invite.email };
}

/** Invitations sent and not yet accepted or expired, for the staff page. */
export async function listPendingInvitations({ db, clock }: { db: Db; clock: Clock }) {
  return db
    .select({
      email: accountTokens.email,
      name: accountTokens.name,
      role: accountTokens.role,
      sentAt: accountTokens.createdAt,
      expiresAt: accountTokens.expiresAt,
    })
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.purpose, "staff_invitation"),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, clock.now()),
      ),
    )
    .orderBy(asc(accountTokens.createdAt))
    .limit(200);
}

/** Who an invitation link is for, without using it (the accept page greets them). */
export async function invitationFor(deps: { db: Db; clock: Clock }, token: string) {
  const row = await findAccountToken(deps, "staff_invitation", token);
  return { email: row.email, name: row.name ?? "", role: row.role ?? "support" };
}

/** Creates the invited staff account with the password they chose and uses the link up. */
export async function acceptInvitation(
  { db, clock }: { db: Db; clock: Clock },
  input: { token: string; password: string; ip: string | null },
): Promise<{ userId: string }> {
  const password = parseInput(passwordSchema, input.password);
  const passwordHash = await hashPassword(password);
  try {
    return await withTransaction(db, async (tx) => {
      const token = await consumeAccountToken(tx, clock, "staff_invitation", input.token);
      const now = clock.now();
      const user = {
        id: crypto.randomUUID(),
        email: token.email,
        name: token.name ?? token.email,
        role: token.role ?? "support",
      };
      await tx.insert(users).values({ ...user, passwordHash, createdAt: now, updatedAt: now });
      await audit(tx, selfActor(user, input.ip), {
        action: "staff.created",
        target: `user:${user.id}`,
        after: { email: user.email, name: user.name, role: user.role, invitedBy: token.createdBy },
        at: now,
      });
      return { userId: user.id };
    });
  } catch (e) {
    // The address got an account (sign-up, another invitation) after the invitation went out.
    if (isUniqueViolation(e)) {
      const row = await findAccountToken({ db, clock }, "staff_invitation", input.token).catch(
        () => null,
      );
      throw taken(row?.email ?? "this address");
    }
    throw e;
  }
}
