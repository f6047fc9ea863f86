/**
 * The simulator's clock: wall time plus an offset that the operator (or a test) can move forward.
 * Every lifetime clock, JWT time check, replay-cache expiry and rate-limit window reads this clock,
 * so advancing it makes time elapse without waiting.
 */
export interface SimClock {
  /** Current simulated time in epoch milliseconds. */
  now(): number;
  /** Current simulated time in whole epoch seconds (the JWT NumericDate scale). */
  nowSeconds(): number;
  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void;
  /** Seconds the clock runs ahead of its base time. */
  offsetSeconds(): number;
  /** Drops the offset so the clock follows its base time again. */
  reset(): void;
}

/** A clock following `base` (default: wall time) plus an adjustable offset. */
export function createSimClock(base: () => number = Date.now): SimClock {
  let offsetMs = 0;
  const now = () => base() + offsetMs;
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(seconds) {
      if (!Number.isFinite(seconds)) throw new RangeError('clock advance must be a finite number of seconds');
      offsetMs += seconds * 1000;
    },
    offsetSeconds: () => offsetMs / 1000,
    reset() {
      offsetMs = 0;
    },
  };
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
