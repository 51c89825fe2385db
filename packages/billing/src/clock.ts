/** Time source for domain code; tests pass a fixed or steppable clock instead of the system one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance by hand. */
export function manualClock(start: Date | number = Date.UTC(2026, 0, 1)): Clock & {
  set(to: Date | number): void;
  advance(ms: number): void;
} {
  let current = typeof start === "number" ? start : start.getTime();
  return {
    now: () => new Date(current),
    set: (to) => {
      current = typeof to === "number" ? to : to.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
