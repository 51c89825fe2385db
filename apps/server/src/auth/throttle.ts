import type { Clock } from "@folio/billing";
import { lockKeys, rateLimitHits, withTransaction, type Db } from "@folio/db";
import { and, desc, eq, gt, inArray, lte } from "drizzle-orm";

export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

export interface ThrottleKeys {
  email: string;
  ip: string | null;
}

export const DEFAULT_LOGIN_RULES: Record<"email" | "ip", ThrottleRule> = {
  email: { maxFailures: 10, windowMs: 15 * 60 * 1000 },
  // Looser per IP so one office behind NAT is not locked out by a single person.
  ip: { maxFailures: 50, windowMs: 15 * 60 * 1000 },
};

/** Hits older than this are pruned; no rule may look back further. */
export const RATE_LIMIT_RETENTION_MS = 60 * 60 * 1000;

export interface LoginAttempt {
  /** Seconds to wait before trying again; 0 when the attempt may go ahead (and was counted). */
  retryAfterSeconds: number;
  /** Takes the counted attempt back; call it once the password proved right. */
  release(): Promise<void>;
}

/**
 * Counts failed sign-ins per key (`signin:email:a@b.c`, `signin:ip:1.2.3.4`) in a sliding window.
 * The counts are rows in `rate_limit_hits`, so every instance sharing the database sees and
 * enforces the same limits; the object itself only holds the rules.
 */
export class LoginThrottle {
  constructor(
    private readonly clock: Clock,
    private readonly rules: Record<"email" | "ip", ThrottleRule> = DEFAULT_LOGIN_RULES,
  ) {
    for (const rule of Object.values(rules)) {
      if (rule.windowMs > RATE_LIMIT_RETENTION_MS) {
        throw new Error(
          `A sign-in throttle window of ${rule.windowMs} ms is longer than the ${RATE_LIMIT_RETENTION_MS} ms pruneRateLimitHits keeps.`,
        );
      }
    }
  }

  /** Seconds until the most constrained key may try again, or 0 when none is blocked. */
  async retryAfterSeconds(db: Db, keys: ThrottleKeys): Promise<number> {
    const now = this.clock.now().getTime();
    let wait = 0;
    for (const [kind, key] of entries(keys)) {
      const rule = this.rules[kind];
      // The newest maxFailures hits in the window; the last of them leaves it first.
      const recent = await db
        .select({ at: rateLimitHits.at })
        .from(rateLimitHits)
        .where(and(eq(rateLimitHits.key, key), gt(rateLimitHits.at, new Date(now - rule.windowMs))))
        .orderBy(desc(rateLimitHits.at))
        .limit(rule.maxFailures);
      const oldestCounted = recent[rule.maxFailures - 1]?.at.getTime();
      if (oldestCounted !== undefined) {
        wait = Math.max(wait, Math.ceil((oldestCounted + rule.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  /**
   * Checks and counts a sign-in attempt in one transaction, before the password is verified.
   * Argon2 is slow and asynchronous, so checking first and counting after would let a burst of
   * parallel guesses all pass the check before the first one fails. The keys are locked for the
   * transaction (PostgreSQL advisory locks; SQLite serializes write transactions anyway), so
   * guesses sent to different instances at once are counted one after the other too. An allowed
   * attempt counts as a failure until `release()` takes it back.
   */
  async attempt(db: Db, keys: ThrottleKeys): Promise<LoginAttempt> {
    return withTransaction(db, async (tx) => {
      await lockKeys(
        tx,
        entries(keys).map(([, key]) => `rate-limit:${key}`),
      );
      const retryAfterSeconds = await this.retryAfterSeconds(tx, keys);
      if (retryAfterSeconds > 0) return { retryAfterSeconds, release: () => Promise.resolve() };
      const ids = await this.count(tx, keys);
      return {
        retryAfterSeconds: 0,
        release: async () => {
          await db.delete(rateLimitHits).where(inArray(rateLimitHits.id, ids));
        },
      };
    });
  }

  async recordFailure(db: Db, keys: ThrottleKeys): Promise<void> {
    await this.count(db, keys);
  }

  /** A successful sign-in clears the email's counter; the IP's stays, so one good account
   * cannot be used to reset an IP that is guessing others. */
  async recordSuccess(db: Db, keys: { email: string }): Promise<void> {
    await db.delete(rateLimitHits).where(eq(rateLimitHits.key, emailKey(keys.email)));
  }

  private async count(db: Db, keys: ThrottleKeys): Promise<string[]> {
    const at = this.clock.now();
    const rows = entries(keys).map(([, key]) => ({ id: crypto.randomUUID(), key, at }));
    await db.insert(rateLimitHits).values(rows);
    return rows.map((r) => r.id);
  }
}

/**
 * Deletes rate-limit hits too old to count under any rule. The server runs it periodically
 * (once across instances is enough, but running it on several is harmless).
 */
export async function pruneRateLimitHits(db: Db, clock: Clock): Promise<number> {
  const pruned = await db
    .delete(rateLimitHits)
    .where(lte(rateLimitHits.at, new Date(clock.now().getTime() - RATE_LIMIT_RETENTION_MS)))
    .returning({ id: rateLimitHits.id });
  return pruned.length;
}

function emailKey(email: string): string {
  return `signin:email:${email}`;
}

function entries(keys: ThrottleKeys): ["email" | "ip", string][] {
  const out: ["email" | "ip", string][] = [["email", emailKey(keys.email)]];
  if (keys.ip) out.push(["ip", `signin:ip:${keys.ip}`]);
  return out;
}
