import type { CheckResult, Exchange } from '../model/index.ts';
import { PRECONDITION_PREFIX } from './outcome.ts';

// Attribution of outcomes the target's transport caused rather than its protocol behaviour.

/**
 * A check the target answered 429 says nothing about its own requirements: the server declined to
 * serve it, whatever it would have answered. Unless the check is about rate limits, a failure or
 * warning that follows a 429 is turned into a precondition error naming the throttled request, so a
 * deployment's limiter reads as one shared cause and never as findings of registration, revocation…
 */
export function attributeRateLimit(result: CheckResult, rateLimitProbe: boolean): CheckResult {
  if (rateLimitProbe || (result.status !== 'failed' && result.status !== 'warning')) return result;
  const throttled = result.exchanges.find((exchange) => exchange.response?.status === 429);
  if (throttled === undefined) return result;
  return {
    ...result,
    status: 'error',
    message: `${PRECONDITION_PREFIX} the target rate-limited the check (429 at ${where(throttled)}${retryAfter(throttled)}), so nothing after it was judged; the verdict it would have reached: ${result.message ?? ''}`,
    failure: { ...result.failure, exchange: throttled.seq },
  };
}

function where(exchange: Exchange): string {
  let path = exchange.request.url;
  try {
    path = new URL(exchange.request.url).pathname;
  } catch {
    // keep the URL as recorded
  }
  return `${exchange.label ?? exchange.request.method} ${path}`;
}

/** The wait the target asked for, from Retry-After or the x-retry-after some servers send instead. */
function retryAfter(exchange: Exchange): string {
  const headers = exchange.response?.headers ?? {};
  const value = headers['retry-after'] ?? headers['x-retry-after'];
  return value === undefined ? '' : `, retry after ${value} s`;
}

/**
 * A check that ended badly right after a request timed out says so first: a message built from the
 * answer's status alone ("refused (HTTP 200)") would hide that the answer never finished.
 */
export function attributeTimeout(result: CheckResult): CheckResult {
  if (result.status !== 'failed' && result.status !== 'warning' && result.status !== 'error') return result;
  const named = result.failure?.exchange;
  const exchange =
    named !== undefined ? result.exchanges.find((candidate) => candidate.seq === named) : result.exchanges.at(-1);
  if (exchange?.error?.kind !== 'timeout') return result;
  const message = result.message ?? '';
  if (/timed out|timeout/i.test(message)) return result;
  const prefix = message.startsWith(PRECONDITION_PREFIX) ? `${PRECONDITION_PREFIX} ` : '';
  return {
    ...result,
    message: `${prefix}the target did not finish answering ${where(exchange)} in time (${exchange.error.message}); the check concluded: ${message.slice(prefix.length)}`,
  };
}
