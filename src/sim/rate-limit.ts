import type { SimClock } from './clock.ts';
import type { RateLimitOptions } from './options.ts';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed-window request counter per client identity (§8.13). */
export class RateLimiter {
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  constructor(
    private readonly clock: SimClock,
    private readonly options: RateLimitOptions,
  ) {}

  take(identity: string): RateDecision {
    const now = this.clock.now();
    const windowMs = this.options.windowSeconds * 1000;
    let window = this.windows.get(identity);
    if (window === undefined || now - window.startMs >= windowMs) {
      window = { startMs: now, count: 0 };
      this.windows.set(identity, window);
    }
    window.count += 1;
    if (window.count <= this.options.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startMs + windowMs - now) / 1000)) };
  }

  clear(): void {
    this.windows.clear();
  }
}
