import { describe, expect, it } from "vitest";
import { castFor, DAY, HISTORY_MONTHS, monthsBefore, SHOWCASE, SIZES, startOfDay } from "./cast.ts";

// The casts without Stripe: demo-business.test.ts plays the tiny one through the emulator; this
// checks that every size's cast contains each story, so the generated ones (small for e2e, full
// for `pnpm start`) show what the tiny one was shown to play.

const NOW = Math.floor(Date.UTC(2026, 11, 7, 4, 30) / 1000);

describe.each(Object.keys(SIZES) as (keyof typeof SIZES)[])("the %s cast", (size) => {
  const cast = castFor(size, NOW);

  it("has its size, unique e-mails, and is the same story every time it is cast that day", () => {
    expect(cast).toHaveLength(SIZES[size]);
    expect(new Set(cast.map((m) => m.email)).size).toBe(cast.length);
    expect(castFor(size, NOW + 3600)).toEqual(cast);
  });

  it("opens the history on its first day and plays nothing after today", () => {
    const start = monthsBefore(startOfDay(NOW), HISTORY_MONTHS);
    const first = Math.min(...cast.map((m) => m.signupAt));
    expect(first - start).toBeLessThan(DAY);
    expect(first).toBeGreaterThanOrEqual(start);
    for (const m of cast) for (const s of m.steps) expect(s.at).toBeLessThanOrEqual(NOW);
  });

  it("shows every behaviour", () => {
    const kinds = new Set(cast.flatMap((m) => m.steps.map((s) => s.kind)));
    for (const kind of SHOWCASE) expect(kinds.has(kind), kind).toBe(true);
    const fails = cast.flatMap((m) => m.steps).filter((s) => s.kind === "card_fails");
    expect(new Set(fails.map((s) => s.recovers))).toEqual(new Set([true, false]));
    expect(new Set(cast.map((m) => m.trial))).toEqual(new Set(["none", "converts", "lapses"]));
    expect(new Set(cast.map((m) => m.currency))).toEqual(new Set(["usd", "eur"]));
    expect(new Set(cast.map((m) => m.interval))).toEqual(new Set(["month", "year"]));
    expect(cast.some((m) => m.seats > 0)).toBe(true);
    expect(cast.some((m) => m.coupon !== null)).toBe(true);
  });
});
