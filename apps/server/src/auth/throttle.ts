import type { Clock } from "@folio/billing";
import { lockKeys, rateLimitHits, withTransaction, type Db } from "@folio/db";
import { and, desc, eq, gt, inArray, lte } from "drizzle-orm";

/**
 * A few attempts free in the window, then a wait after each further one that doubles up to a
 * cap. Nothing is ever locked outright: the wait is counted from the newest attempt, so a
 * patient person always gets through, while guessing slows to a handful of tries per window.
 */
export interface ThrottleRule {
  free: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

const MIN = 60 * 1000;

export const AUTH_RULES = {
  // Per (account, address): a person mistyping their password. Keyed with the address, so
  // someone guessing at an account from elsewhere never slows its owner down.
  signInAccountIp: { free: 5, windowMs: 15 * MIN, firstDelayMs: 2_000, maxDelayMs: 15 * MIN },
  // Per address across accounts: one machine trying many accounts. Looser, for offices on NAT.
  signInIp: { free: 30, windowMs: 15 * MIN, firstDelayMs: 5_000, maxDelayMs: 15 * MIN },
  // Per address: new accounts (and probing which e-mails have one). A household or an office
  // signs up a few people in an hour without noticing.
  signUpIp: { free: 5, windowMs: 60 * MIN, firstDelayMs: 60_000, maxDelayMs: 30 * MIN },
  // Per address: password-reset requests (same reasoning as sign-up).
  passwordResetIp: { free: 5, windowMs: 60 * MIN, firstDelayMs: 60_000, maxDelayMs: 30 * MIN },
  // Per account (the e-mail typed, known or not): reset e-mails to one inbox, from anywhere.
  // Over it the request is answered as usual and no e-mail goes out, so it reveals nothing.
  passwordResetAccount: {
    free: 3,
    windowMs: 60 * MIN,
    firstDelayMs: 10 * MIN,
    maxDelayMs: 30 * MIN,
  },
} satisfies Record<string, ThrottleRule>;

export type AuthRules = Record<keyof typeof AUTH_RULES, ThrottleRule>;

/** Hits older than this are pruned; no rule may look back further. */
export const RATE_LIMIT_RETENTION_MS = 60 * MIN;

/** Hits read per key: enough for the longest doubling any rule can reach before its cap. */
const MAX_COUNTED_OVER_FREE = 20;

export interface ThrottleKeys {
  email: string;
  ip: string | null;
}

interface RuleKey {
  rule: ThrottleRule;
  key: string;
}

export interface ThrottledAttempt {
  /** Seconds to wait before trying again; 0 when the attempt may go ahead (and was counted). */
  retryAfterSeconds: number;
  /** Takes the counted attempt back; call it once the password proved right. */
  release(): Promise<void>;
}

/** The wait a rule imposes given the key's hits in its window, newest first. */
export function waitMs(rule: ThrottleRule, hitsNewestFirst: readonly Date[], now: number): number {
  // With `free` attempts in the window, the next one waits firstDelayMs; each more doubles it.
  const over = hitsNewestFirst.length - rule.free + 1;
  const newest = hitsNewestFirst[0];
  if (over <= 0 || !newest) return 0;
  const delay = Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** (over - 1));
  return Math.max(0, newest.getTime() + delay - now);
}

/**
 * Throttles sign-in, sign-up and reset requests. The counts are rows in `rate_limit_hits`, so
 * every instance sharing the database sees and enforces the same limits; the object holds only
 * the rules.
 */
export class LoginThrottle {
  constructor(
    private readonly clock: Clock,
    private readonly rules: AuthRules = AUTH_RULES,
  ) {
    for (const [name, rule] of Object.entries(rules)) {
      if (rule.windowMs > RATE_LIMIT_RETENTION_MS) {
        throw new Error(
          `The ${name} throttle window of ${rule.windowMs} ms is longer than the ${RATE_LIMIT_RETENTION_MS} ms pruneRateLimitHits keeps.`,
        );
      }
    }
  }

  /** Seconds until a sign-in for these keys may go ahead, or 0. */
  retryAfterSeconds(db: Db, keys: ThrottleKeys): Promise<number> {
    return this.wait(db, this.signInKeys(keys));
  }

  /**
   * Checks and counts a sign-in attempt in one transaction, before the password is verified.
   * Argon2 is slow and asynchronous, so checking first and counting after would let a burst of
   * parallel guesses all pass the check before the first one fails. An allowed attempt counts
   * as a failure until `release()` takes it back.
   */
  attempt(db: Db, keys: ThrottleKeys): Promise<ThrottledAttempt> {
    return this.attemptKeys(db, this.signInKeys(keys));
  }

  /** Counts a sign-up from this address; every one counts, successful or not. */
  attemptSignUp(db: Db, ip: string | null): Promise<ThrottledAttempt> {
    return this.attemptKeys(db, [{ rule: this.rules.signUpIp, key: `signup:ip:${ip ?? "-"}` }]);
  }

  /** Counts a password-reset request from this address. */
  attemptPasswordReset(db: Db, ip: string | null): Promise<ThrottledAttempt> {
    return this.attemptKeys(db, [
      { rule: this.rules.passwordResetIp, key: `reset:ip:${ip ?? "-"}` },
    ]);
  }

  /** Counts a reset e-mail for this address; 0 means it may be sent. */
  async attemptPasswordResetFor(db: Db, email: string): Promise<number> {
    const attempt = await this.attemptKeys(db, [
      { rule: this.rules.passwordResetAccount, key: `reset:acct:${email}` },
    ]);
    return attempt.retryAfterSeconds;
  }

  async recordFailure(db: Db, keys: ThrottleKeys): Promise<void> {
    await this.count(db, this.signInKeys(keys));
  }

  /** A successful sign-in clears the (account, address) count; the address's own count stays,
   * so one good account cannot be used to reset an address that is guessing others. */
  async recordSuccess(db: Db, keys: ThrottleKeys): Promise<void> {
    const [accountIp] = this.signInKeys(keys);
    if (accountIp) await db.delete(rateLimitHits).where(eq(rateLimitHits.key, accountIp.key));
  }

  private signInKeys({ email, ip }: ThrottleKeys): RuleKey[] {
    const keys = [{ rule: this.rules.signInAccountIp, key: `signin:acct:${email}|${ip ?? "-"}` }];
    if (ip) keys.push({ rule: this.rules.signInIp, key: `signin:ip:${ip}` });
    return keys;
  }

  /** The keys are locked for the transaction (PostgreSQL advisory locks; SQLite serializes
   * write transactions anyway), so attempts sent to different instances at once are counted
   * one after the other. */
  private attemptKeys(db: Db, keys: RuleKey[]): Promise<ThrottledAttempt> {
    return withTransaction(db, async (tx) => {
      await lockKeys(
        tx,
        keys.map(({ key }) => `rate-limit:${key}`),
      );
      const retryAfterSeconds = await this.wait(tx, keys);
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

  private async wait(db: Db, keys: RuleKey[]): Promise<number> {
    const now = this.clock.now().getTime();
    let wait = 0;
    for (const { rule, key } of keys) {
      const hits = await db
        .select({ at: rateLimitHits.at })
        .from(rateLimitHits)
        .where(and(eq(rateLimitHits.key, key), gt(rateLimitHits.at, new Date(now - rule.windowMs))))
        .orderBy(desc(rateLimitHits.at))
        .limit(rule.free + MAX_COUNTED_OVER_FREE);
      wait = Math.max(
        wait,
        waitMs(
          rule,
          hits.map((h) => h.at),
          now,
        ),
      );
    }
    return Math.ceil(wait / 1000);
  }

  private async count(db: Db, keys: RuleKey[]): Promise<string[]> {
    const at = this.clock.now();
    const rows = keys.map(({ key }) => ({ id: crypto.randomUUID(), key, at }));
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
