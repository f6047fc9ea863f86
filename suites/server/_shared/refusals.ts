import {
  describeAnswer,
  errorCode,
  retryUntil,
  WITHIN_ONE_SECOND_MS,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';

/** Judging refusals: which status and error code an answer must carry, and how long it may take to show. */

/** Repeats `attempt` for up to one second until `settled` holds; returns the last answer. */
export function withinOneSecond(
  attempt: () => Promise<HttpResult>,
  settled: (result: HttpResult) => boolean = isRefusal,
): Promise<HttpResult> {
  return retryUntil(attempt, settled, WITHIN_ONE_SECOND_MS);
}

/** A response that is a client error (a transport failure is not a refusal). */
export function isRefusal(result: HttpResult): boolean {
  return !result.error && result.status >= 400 && result.status < 500;
}

/** An acceptable refusal: HTTP status and error code. */
export type Refusal = readonly [status: number, code: string];

export const INVALID_JWT: Refusal = [401, 'invalid_jwt'];

/**
 * Fails unless the answer is one of `accepted` (status and code together); returns the one it is.
 * `expected` explains the rule for the message, e.g. `§5.11, RUL-STATE-ERROR-STATUS`.
 */
export function expectRefusal(
  t: CheckContext,
  result: HttpResult,
  accepted: readonly Refusal[],
  what: string,
  expected: string,
): Refusal {
  const code = errorCode(result);
  const match = accepted.find(([status, name]) => status === result.status && name === code);
  if (!match || result.error) {
    t.fail(
      `${what}: expected ${accepted.map(([status, name]) => `${status} ${name}`).join(' or ')} (${expected}), got ${describeAnswer(result)}`,
    );
  }
  if (typeof result.json?.message !== 'string') t.note(`${what}: the error response has no string "message" (§5.13)`);
  return match;
}

/** Fails unless the answer is a 401 or 403 error object (any code): the request was refused. */
export function expectAuthRefusal(t: CheckContext, result: HttpResult, what: string, expected: string): void {
  if (result.error || (result.status !== 401 && result.status !== 403) || errorCode(result) === undefined) {
    t.fail(`${what}: expected a 401 or 403 error (${expected}), got ${describeAnswer(result)}`);
  }
}
