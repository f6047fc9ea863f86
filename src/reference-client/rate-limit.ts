import { LIMITS } from './config.ts';
import type { ClientFaultSet } from './faults.ts';
import type { HttpAnswer } from './http.ts';
import { log } from './log.ts';
import { sleep } from './timing.ts';

/** Seconds a Retry-After value asks for (delta-seconds or an HTTP-date, RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * How long to wait before retrying a request answered 429 for the `attempt`-th time (0-based):
 * never less than Retry-After (§8.13 MUST), exponential back-off from 1 s without one (§8.13
 * SHOULD). Undefined when the client should stop retrying and report the 429: too many attempts,
 * or a Retry-After longer than it is willing to wait.
 */
export function retryDelaySeconds(headers: Headers, attempt: number, faults: ClientFaultSet): number | undefined {
  if (attempt >= LIMITS.rateLimitRetries) return undefined;
  const asked = retryAfterSeconds(headers.get('retry-after'));
  let delay = asked ?? 2 ** attempt;
  if (asked !== undefined && faults.has('ignores-retry-after')) delay = 0.5;
  if (asked === undefined && faults.has('no-backoff-without-retry-after')) delay = 0.1;
  return delay > LIMITS.maxRetryAfterSeconds ? undefined : delay;
}

/** Sends a request (through `send`, which signs a fresh token each time) and retries it while it is answered 429. */
export async function sendWithRetry(
  send: () => Promise<HttpAnswer>,
  faults: ClientFaultSet,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await send();
    if (answer.status !== 429) return answer;
    const delay = retryDelaySeconds(answer.headers, attempt, faults);
    if (delay === undefined) return answer;
    log(`${answer.url} answered 429; retrying in ${delay} s`);
    await sleep(delay * 1000, signal);
  }
}
