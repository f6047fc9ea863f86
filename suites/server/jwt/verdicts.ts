import type { CheckContext, HttpResult } from '../../../src/harness/api.ts';

export function isSuccess(result: HttpResult): boolean {
  return !result.error && result.status >= 200 && result.status < 300;
}

/**
 * Fails unless the server refused the token with 401 invalid_jwt in the §5.13 error shape. An
 * accepted token gets its own message, since that is a different failure from a wrong error code.
 */
export function expectInvalidJwt(
  t: CheckContext,
  result: HttpResult,
  what: string,
  cite: string,
  accepted: (result: HttpResult) => boolean = isSuccess,
): void {
  if (accepted(result)) {
    t.fail(`${what}: the token was accepted (HTTP ${result.status}${typeof result.json?.error === 'string' ? ` ${result.json.error}` : ''}); expected 401 invalid_jwt (${cite}, §5.13)`);
  }
  t.expectError(result, 401, 'invalid_jwt', `${what} (${cite}, §5.13)`);
}
