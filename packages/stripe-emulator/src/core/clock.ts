/**
 * The emulator's global clock, in unix seconds. Real time plus an offset by default;
 * `fixed` freezes it at a start time so only `advance` moves it (deterministic tests).
 * Test clocks (`test_helpers.test_clock` objects) keep their own `frozen_time`.
 */
export interface ClockOptions {
  /** Start time: unix seconds, a Date, or an ISO string. Default: now. */
  start?: number | Date | string;
  /** Freeze time at `start`; it then moves only through `advance`. */
  fixed?: boolean;
}

export class EmulatorClock {
  private offset = 0;
  private frozenAt: number | null;

  constructor(options: ClockOptions = {}) {
    const start = options.start === undefined ? undefined : toUnix(options.start);
    if (options.fixed) {
      this.frozenAt = start ?? realNow();
    } else {
      this.frozenAt = null;
      if (start !== undefined) this.offset = start - realNow();
    }
  }

  now(): number {
    return this.frozenAt ?? realNow() + this.offset;
  }

  get fixed(): boolean {
    return this.frozenAt !== null;
  }

  /** Moves the clock forward; it never goes backwards. Returns the new time. */
  advanceTo(time: number): number {
    const delta = time - this.now();
    if (delta <= 0) return this.now();
    if (this.frozenAt !== null) this.frozenAt += delta;
    else this.offset += delta;
    return this.now();
  }

  /** Persisted so a restarted standalone emulator keeps its advanced time. */
  state(): { offset: number; frozenAt: number | null } {
    return { offset: this.offset, frozenAt: this.frozenAt };
  }

  restore(state: { offset: number; frozenAt: number | null }): void {
    this.offset = state.offset;
    this.frozenAt = state.frozenAt;
  }
}

export function realNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function toUnix(value: number | Date | string): number {
  if (typeof value === "number") return Math.floor(value);
  const date = typeof value === "string" ? new Date(value) : value;
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new Error(`Invalid time: ${String(value)}`);
  return Math.floor(ms / 1000);
}
