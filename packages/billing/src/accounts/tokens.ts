import { createHash, randomBytes } from "node:crypto";
import {
  accountTokens,
  withTransaction,
  type AccountTokenPurpose,
  type Db,
  type Role,
  type Tx,
} from "@folio/db";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";

// Single-use links e-mailed to a person (password reset, e-mail change, staff invitation). The
// secret exists only in the e-mail: the table keeps its SHA-256, as sessions do. A new link of a
// purpose revokes the earlier unused ones for the same account (or invited address).

const MINUTE = 60_000;
export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  password_reset: 30 * MINUTE,
  email_change: 30 * MINUTE,
  // Someone invited may not read their mail within the hour.
  staff_invitation: 7 * 24 * 60 * MINUTE,
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface TokenSubject {
  purpose: AccountTokenPurpose;
  userId: string | null;
  email: string;
  role?: Role | null;
  name?: string | null;
  createdBy?: string | null;
}

/** Mints a link secret for `subject`, revoking its earlier unused ones. */
export async function issueAccountToken(
  { db, clock }: { db: Db; clock: Clock },
  subject: TokenSubject,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS[subject.purpose]);
  await withTransaction(db, async (tx) => {
    const same = subject.userId
      ? eq(accountTokens.userId, subject.userId)
      : eq(accountTokens.email, subject.email);
    await tx
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.purpose, subject.purpose), same, isNull(accountTokens.usedAt)));
    await tx.insert(accountTokens).values({
      id: crypto.randomUUID(),
      purpose: subject.purpose,
      tokenHash: hashToken(token),
      userId: subject.userId,
      email: subject.email,
      role: subject.role ?? null,
      name: subject.name ?? null,
      createdBy: subject.createdBy ?? null,
      createdAt: now,
      expiresAt,
    });
  });
  return { token, expiresAt };
}

export const LINK_INVALID =
  "This link has expired or was already used. Ask for a new one and use the newest e-mail.";

const validToken = (purpose: AccountTokenPurpose, token: string, now: Date) =>
  and(
    eq(accountTokens.tokenHash, hashToken(token)),
    eq(accountTokens.purpose, purpose),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, now),
  );

/** The unused, unexpired token's row, without using it (pages that show who the link is for). */
export async function findAccountToken(
  { db, clock }: { db: Db; clock: Clock },
  purpose: AccountTokenPurpose,
  token: string,
) {
  const row = await db
    .select()
    .from(accountTokens)
    .where(validToken(purpose, token, clock.now()))
    .get();
  if (!row) throw new DomainError("BAD_REQUEST", LINK_INVALID, { field: "token" });
  return row;
}

/**
 * Uses the token inside the caller's transaction: the conditional update makes a second use (or
 * two at once) find nothing, so the link works exactly once. BAD_REQUEST when it is unknown,
 * expired or used.
 */
export async function consumeAccountToken(
  tx: Tx,
  clock: Clock,
  purpose: AccountTokenPurpose,
  token: string,
) {
  const now = clock.now();
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(validToken(purpose, token, now))
    .returning();
  if (!row) throw new DomainError("BAD_REQUEST", LINK_INVALID, { field: "token" });
  return row;
}
