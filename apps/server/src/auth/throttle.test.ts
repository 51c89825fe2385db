import { manualClock } from "@folio/billing";
import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./throttle.ts";

const MIN = 60 * 1000;

describe("LoginThrottle", () => {
  it("blocks an email after 10 failures for the rest of the 15-minute window", () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock);
    const keys = { email: "a@example.com", ip: "10.0.0.1" };
    for (let i = 0; i < 9; i++) {
      throttle.recordFailure(keys);
      clock.advance(MIN);
    }
    expect(throttle.retryAfterSeconds(keys)).toBe(0);
    throttle.recordFailure(keys); // 10th, at minute 9
    expect(throttle.retryAfterSeconds(keys)).toBe(6 * 60); // first failure leaves the window at 15
    expect(throttle.retryAfterSeconds({ email: "b@example.com", ip: "10.0.0.2" })).toBe(0);

    clock.advance(6 * MIN);
    expect(throttle.retryAfterSeconds(keys)).toBe(0);
  });

  it("counts per IP across emails with its own limit", () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 10, windowMs: 15 * MIN },
      ip: { maxFailures: 3, windowMs: 15 * MIN },
    });
    for (const email of ["a@x.io", "b@x.io", "c@x.io"])
      throttle.recordFailure({ email, ip: "1.1.1.1" });
    expect(throttle.retryAfterSeconds({ email: "d@x.io", ip: "1.1.1.1" })).toBe(15 * 60);
    expect(throttle.retryAfterSeconds({ email: "d@x.io", ip: "2.2.2.2" })).toBe(0);
  });

  it("clears the email's counter on success but keeps the IP's", () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 2, windowMs: 15 * MIN },
      ip: { maxFailures: 2, windowMs: 15 * MIN },
    });
    throttle.recordFailure({ email: "a@x.io", ip: null });
    throttle.recordSuccess({ email: "a@x.io" });
    throttle.recordFailure({ email: "a@x.io", ip: null });
    expect(throttle.retryAfterSeconds({ email: "a@x.io", ip: null })).toBe(0);

    throttle.recordFailure({ email: "b@x.io", ip: "9.9.9.9" });
    throttle.recordFailure({ email: "c@x.io", ip: "9.9.9.9" });
    throttle.recordSuccess({ email: "c@x.io" });
    expect(throttle.retryAfterSeconds({ email: "z@x.io", ip: "9.9.9.9" })).toBeGreaterThan(0);
  });

  it("counts an attempt when it starts and takes it back on release", () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock, {
      email: { maxFailures: 2, windowMs: 15 * MIN },
      ip: { maxFailures: 3, windowMs: 15 * MIN },
    });
    const keys = { email: "a@x.io", ip: "1.1.1.1" };
    const first = throttle.attempt(keys);
    const second = throttle.attempt(keys);
    expect([first.retryAfterSeconds, second.retryAfterSeconds]).toEqual([0, 0]);
    // Both still in flight: a third is refused without being counted.
    expect(throttle.attempt(keys).retryAfterSeconds).toBe(15 * 60);
    first.release();
    expect(throttle.retryAfterSeconds(keys)).toBe(0);
    // The IP holds one attempt (the second) now, so two more fit under its limit of three.
    expect(throttle.attempt({ email: "b@x.io", ip: "1.1.1.1" }).retryAfterSeconds).toBe(0);
    expect(throttle.attempt({ email: "c@x.io", ip: "1.1.1.1" }).retryAfterSeconds).toBe(0);
    expect(throttle.retryAfterSeconds({ email: "d@x.io", ip: "1.1.1.1" })).toBe(15 * 60);
  });
});
