import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { sha256 } from "@oslojs/crypto/sha2";
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Clock } from "@folio/billing";
import { sessions, users, type Db, type Role } from "@folio/db";
import { eq, lte } from "drizzle-orm";

// Sessions follow Lucia's current guide (lucia-auth.com): the token is `<id>.<secret>`, the id is
// a lookup key, and only SHA-256(secret) is stored, so a leaked sessions table holds nothing a
// browser could present.

export const SESSION_COOKIE = "folio_session";
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const RENEW_WHEN_REMAINING_MS = SESSION_TTL_MS / 2;

// 20 random bytes → 32 base32 characters (160 bits of entropy) for each half.
const PART = /^[a-z2-7]{32}$/;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

function randomPart(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Creates a session for `userId`; the returned token is shown to the browser exactly once. */
export async function createSession(
  db: Db,
  clock: Clock,
  userId: string,
): Promise<{ token: string; session: Session }> {
  const id = randomPart();
  const secret = randomPart();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({
    id,
    secretHash: encodeHexLowerCase(hashSecret(secret)),
    userId,
    createdAt: now,
    expiresAt,
  });
  return { token: `${id}.${secret}`, session: { id, userId, expiresAt } };
}

export interface ValidatedSession {
  session: Session;
  user: SessionUser;
  /** True when the expiry was pushed forward and the cookie should be re-sent. */
  renewed: boolean;
}

/**
 * Returns the session and its user, or null when the token is malformed, unknown, wrong,
 * expired, or belongs to a disabled user. Expired and disabled-user sessions are deleted.
 * Everything it needs is in the database, so any instance sharing it can answer.
 */
export async function validateSessionToken(
  db: Db,
  clock: Clock,
  token: string,
): Promise<ValidatedSession | null> {
  const [id, secret, extra] = token.split(".");
  if (extra !== undefined || !id || !secret || !PART.test(id) || !PART.test(secret)) return null;

  const row = await db
    .select({
      id: sessions.id,
      secretHash: sessions.secretHash,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return null;

  if (!constantTimeEqual(hashSecret(secret), decodeHex(row.secretHash))) return null;

  const now = clock.now().getTime();
  if (row.expiresAt.getTime() <= now || row.disabled) {
    await invalidateSession(db, row.id);
    return null;
  }

  let expiresAt = row.expiresAt;
  let renewed = false;
  if (expiresAt.getTime() - now < RENEW_WHEN_REMAINING_MS) {
    expiresAt = new Date(now + SESSION_TTL_MS);
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, row.id));
    renewed = true;
  }

  return {
    session: { id: row.id, userId: row.userId, expiresAt },
    user: { id: row.userId, email: row.email, name: row.name, role: row.role },
    renewed,
  };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of `userId`; resolves to how many there were. */
export async function invalidateUserSessions(db: Db, userId: string): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Removes sessions past their expiry that no browser came back with. */
export async function deleteExpiredSessions(db: Db, clock: Clock): Promise<number> {
  const swept = await db
    .delete(sessions)
    .where(lte(sessions.expiresAt, clock.now()))
    .returning({ id: sessions.id });
  return swept.length;
}
