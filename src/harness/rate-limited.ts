import type { CheckResult, Exchange } from '../model/index.ts';
import { PRECONDITION_PREFIX } from './outcome.ts';

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
