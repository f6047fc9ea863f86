import type { FixedAnswer } from './knobs.ts';
import type { SimEndpoint } from './endpoints.ts';

/** The fixed answer for the `ordinal`-th request to `endpoint`, if the scenario scripted one. */
export function fixedAnswerFor(
  answers: readonly FixedAnswer[],
  endpoint: SimEndpoint | 'other',
  ordinal: number,
  origins: { sim: string; foreign: string },
): Response | undefined {
  const answer = answers.find((a) => a.endpoint === endpoint && (a.nth === undefined || a.nth === ordinal));
  if (answer === undefined) return undefined;
  const body = answer.body ?? defaultBody(answer.status);
  // Header values may name the scenario's listeners, known only once they listen (e.g. a redirect's Location).
  const headers = new Headers(
    Object.entries(answer.headers ?? {}).map(([name, value]): [string, string] => [
      name,
      value.replaceAll('{foreign}', origins.foreign).replaceAll('{sim}', origins.sim),
    ]),
  );
  if (typeof body !== 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : text, { status: answer.status, headers });
}

/**
 * The answer to a status poll the scenario wants slowed down. §7.1 has device authorization polling
 * and its error responses follow RFC 8628, whose §3.5 answers `slow_down` as an error of the token
 * endpoint (HTTP 400, RFC 6749 §5.2) telling the client to add 5 seconds to its interval; §5.13 has
 * such approval codes travel as the `error` value of the protocol's own error shape. Hence 400
 * `{error: "slow_down", message}`, not 429, which §8.13 keeps for rate limiting.
 */
export function slowDownAnswer(): Response {
  return Response.json(
    { error: 'slow_down', message: 'Polling too fast: add 5 seconds to the polling interval for this and later polls' },
    { status: 400 },
  );
}

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** A §5.13 error body for an error status (the common codes of its table), `{}` otherwise. */
function defaultBody(status: number): Record<string, unknown> {
  if (status < 400) return {};
  const code =
    status === 429
      ? 'rate_limited'
      : status === 401
        ? 'invalid_jwt'
        : status >= 500
          ? 'internal_error'
          : 'invalid_request';
  return { error: code, message: `Scripted ${status} answer` };
}
