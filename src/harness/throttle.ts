import type { CheckResult, Exchange } from '../model/index.ts';

// A check the target throttled (429) is run again once the target's asked-for wait has passed,
// rather than ending in a precondition error: a deployment's rate limiter then slows the run down to
// its pace instead of spoiling most of it. The check runs again from its start, so every token it
// signs and every time it crafts is fresh (a request merely re-sent after a long wait would carry a
// stale JWT and shifted boundaries).

/** Re-runs of one throttled check, by default (`--throttle-retries`). */
export const DEFAULT_THROTTLE_RETRIES = 3;
/** The longest wait the harness honours; a target asking for more ends the check as throttled. */
export const MAX_THROTTLE_WAIT_SECONDS = 120;
/** The wait when a 429 names none: the server gave no hint, so a short pause. */
const UNNAMED_WAIT_SECONDS = 5;

/**
 * Seconds to wait before running a throttled check again, or undefined when the check was not
 * throttled (or is about rate limits itself, so a 429 is what it looks for). The wait comes from
 * Retry-After (seconds or an HTTP date, RFC 9110 §10.2.3), or the x-retry-after some servers send.
 */
export function throttledWaitSeconds(result: CheckResult, rateLimitProbe: boolean): number | undefined {
  if (rateLimitProbe || result.status === 'passed' || result.status === 'skipped') return undefined;
  if (result.status === 'not-applicable') return undefined;
  const throttled = [...result.exchanges].reverse().find((exchange) => exchange.response?.status === 429);
  return throttled === undefined ? undefined : askedWait(throttled);
}

function askedWait(exchange: Exchange): number {
  const headers = exchange.response?.headers ?? {};
  const value = (headers['retry-after'] ?? headers['x-retry-after'])?.trim();
  if (value === undefined || value === '') return UNNAMED_WAIT_SECONDS;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return UNNAMED_WAIT_SECONDS;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Holds back the start of every check while the target has asked for a pause: checks started during
 * a throttled period would only spend the target's budget on requests it refuses.
 */
export class ThrottleGate {
  private until = 0;

  /** Closes the gate for `seconds` from now (never shortens a pause already running). */
  pause(seconds: number): void {
    this.until = Math.max(this.until, performance.now() + seconds * 1000);
  }

  /** Resolves once the gate is open. */
  async passed(): Promise<void> {
    for (let left = this.until - performance.now(); left > 0; left = this.until - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }
}
