import type { Clock } from "@folio/billing";

export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts failed sign-ins per key (e.g. `email:a@b.c`, `ip:1.2.3.4`) in a sliding window. In-memory
 * on purpose: Folio runs as one process, and a restart forgetting counters is acceptable.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: Record<"email" | "ip", ThrottleRule> = {
      email: { maxFailures: 10, windowMs: 15 * 60 * 1000 },
      // Looser per IP so one office behind NAT is not locked out by a single person.
      ip: { maxFailures: 50, windowMs: 15 * 60 * 1000 },
    },
  ) {}

  /** Seconds until the most constrained key may try again, or 0 when none is blocked. */
  retryAfterSeconds(keys: { email: string; ip: string | null }): number {
    const now = this.clock.now().getTime();
    let wait = 0;
    for (const [kind, key] of this.entries(keys)) {
      const rule = this.rules[kind];
      const recent = this.recent(key, rule, now);
      if (recent.length >= rule.maxFailures) {
        const oldestCounted = recent[recent.length - rule.maxFailures] ?? now;
        wait = Math.max(wait, Math.ceil((oldestCounted + rule.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  /**
   * Checks and counts a sign-in attempt in one step, before the password is verified. Argon2 is
   * slow and asynchronous, so checking first and counting after would let a burst of parallel
   * guesses all pass the check before the first one fails. An allowed attempt counts as a
   * failure until `release()` takes it back (call it once the password proved right).
   */
  attempt(keys: { email: string; ip: string | null }): {
    retryAfterSeconds: number;
    release(): void;
  } {
    const retryAfterSeconds = this.retryAfterSeconds(keys);
    if (retryAfterSeconds > 0) return { retryAfterSeconds, release: () => undefined };
    const at = this.clock.now().getTime();
    this.count(keys, at);
    return {
      retryAfterSeconds: 0,
      release: () => {
        for (const [, key] of this.entries(keys)) {
          const times = this.failures.get(key);
          const i = times ? times.lastIndexOf(at) : -1;
          if (times && i !== -1) times.splice(i, 1);
        }
      },
    };
  }

  recordFailure(keys: { email: string; ip: string | null }): void {
    this.count(keys, this.clock.now().getTime());
  }

  private count(keys: { email: string; ip: string | null }, now: number): void {
    for (const [kind, key] of this.entries(keys)) {
      const rule = this.rules[kind];
      const recent = this.recent(key, rule, now);
      recent.push(now);
      // Only the newest maxFailures timestamps can ever matter.
      this.failures.set(key, recent.slice(-rule.maxFailures));
    }
    if (this.failures.size > 10_000) this.sweep(now);
  }

  /** A successful sign-in clears the email's counter; the IP's stays, so one good account
   * cannot be used to reset an IP that is guessing others. */
  recordSuccess(keys: { email: string }): void {
    this.failures.delete(`email:${keys.email}`);
  }

  private entries(keys: { email: string; ip: string | null }): ["email" | "ip", string][] {
    const out: ["email" | "ip", string][] = [["email", `email:${keys.email}`]];
    if (keys.ip) out.push(["ip", `ip:${keys.ip}`]);
    return out;
  }

  private recent(key: string, rule: ThrottleRule, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - rule.windowMs);
  }

  private sweep(now: number): void {
    const longest = Math.max(this.rules.email.windowMs, this.rules.ip.windowMs);
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= now - longest)) this.failures.delete(key);
    }
  }
}
