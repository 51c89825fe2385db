import { describe, expect, it } from "vitest";
import { limitConcurrency } from "./concurrency-limit.ts";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("limitConcurrency", () => {
  it("runs at most `limit` calls at once, the rest in arrival order, and a failure frees its place", async () => {
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const limited = limitConcurrency(async (n: number) => {
      started.push(n);
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
      if (n === 2) throw new Error("boom");
      return n * 10;
    }, 3);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => limited(n)));
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(outcomes[2]!.status).toBe("rejected");
    expect(outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value)).toEqual([
      0, 10, 30, 40, 50, 60, 70, 80, 90,
    ]);
    // Every place was given back: a new call starts at once.
    expect(await limited(7)).toBe(70);
  });
});
