import { LIMITS } from '../config.ts';
import type { ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import { retryAfterSeconds, sendWithRetry } from '../rate-limit.ts';
import type { Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { sleep } from '../timing.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';
import { sameOrigin } from '../url-policy.ts';
import type { ExecutionTarget } from './location.ts';

export interface AsyncStart {
  provider: Provider;
  connection: Connection;
  target: ExecutionTarget;
  capability: string;
  /** The 202 body: status pending and status_url. */
  body: Record<string, unknown>;
  headers: Headers;
  reporter: Reporter;
}

/**
 * Follows an async execution (§5.11, §6.10 step 4): polls its status_url with a fresh agent JWT as
 * Bearer token on every poll (§5.11 MUST), backing off 1 s, 2 s, 4 s ... (or as Retry-After / a
 * retry_after member asks), until completed or failed. The status_url is followed only when it is
 * https (loopback http under the test allowance) and on the issuer's origin (§8.12) or the origin of
 * the location that started the job (RUL-LOCATION-STATUS-ORIGIN: a separate service hands out its
 * own status URLs); anything else is refused and reported.
 */
export async function followAsync(ctx: ClientContext, start: AsyncStart): Promise<Record<string, unknown>> {
  const f = ctx.faults;
  let statusUrl = checkStatusUrl(ctx, start, start.body.status_url);
  let delay = nextDelay(start.headers, start.body) ?? LIMITS.asyncPollFirstDelaySeconds;
  const deadline = Date.now() + LIMITS.asyncPollTimeoutMs;
  let reused: string | undefined;
  await start.reporter.notify(`${start.capability} runs asynchronously; polling ${statusUrl}`);
  for (let poll = 1; ; poll++) {
    if (f.has('async-poll-no-backoff')) delay = 0.1;
    if (Date.now() + delay * 1000 > deadline) {
      throw new ToolError(
        'async_timeout',
        `${start.capability} did not finish within ${LIMITS.asyncPollTimeoutMs / 1000} s`,
        { status_url: statusUrl },
      );
    }
    await sleep(delay * 1000);
    // The server that answers the poll is the audience: the issuer on its own origin, else the location's service.
    const aud = sameOrigin(statusUrl, start.provider.issuer) ? start.provider.issuer : start.target.url;
    const url = statusUrl;
    const answer = await sendWithRetry(async () => {
      let token: string | undefined;
      if (!f.has('async-poll-without-jwt')) {
        token =
          f.has('async-poll-reuses-jwt') && reused !== undefined
            ? reused
            : (await ctx.tokens.agentJwt(start.connection, aud)).token;
        reused = token;
      }
      return ctx.http.send({
        method: 'GET',
        url,
        ...(token !== undefined && { token }),
        allowAnyHttp: f.has('follows-any-status-url'),
      });
    }, f);
    if ((answer.status !== 200 && answer.status !== 202) || !isRecord(answer.json))
      throw errorFromAnswer(answer, `polling ${url}`);
    const body = answer.json;
    if (body.status === 'completed') return { status: 'completed', result: body.result ?? null };
    if (body.status === 'failed') throw failed(start.capability, body);
    if (body.status !== 'pending')
      throw new ToolError(
        'invalid_response',
        `polling ${url} answered an unknown status ${JSON.stringify(body.status)}`,
      );
    if (typeof body.status_url === 'string' && body.status_url !== statusUrl)
      statusUrl = checkStatusUrl(ctx, start, body.status_url);
    delay = nextDelay(answer.headers, body) ?? Math.min(delay * 2, LIMITS.asyncPollMaxDelaySeconds);
    await start.reporter.notify(`${start.capability} still running (poll ${poll})`);
  }
}

function checkStatusUrl(ctx: ClientContext, start: AsyncStart, value: unknown): string {
  const unchecked = ctx.faults.has('follows-any-status-url');
  const url = ctx.policy.require(value, 'status_url', { allowAnyHttp: unchecked });
  const trusted = sameOrigin(url, start.provider.issuer) || sameOrigin(url, start.target.url);
  if (!trusted && !unchecked && !ctx.faults.has('follows-cross-origin-status-url')) {
    throw new ToolError(
      'refused_url',
      `status_url ${url.href} is on another origin than ${start.provider.name} and the execution location; not polled`,
      {
        status_url: url.href,
      },
    );
  }
  return url.href;
}

/** A server-suggested wait: the Retry-After header, else a retry_after member (§2.15), in seconds. */
function nextDelay(headers: Headers, body: Record<string, unknown>): number | undefined {
  const header = retryAfterSeconds(headers.get('retry-after'));
  if (header !== undefined) return Math.min(header, LIMITS.asyncPollMaxDelaySeconds);
  const member = body.retry_after;
  return typeof member === 'number' && member >= 0 ? Math.min(member, LIMITS.asyncPollMaxDelaySeconds) : undefined;
}

function failed(capability: string, body: Record<string, unknown>): ToolError {
  const error = isRecord(body.error) ? body.error : {};
  const code = typeof error.error === 'string' ? error.error : 'execution_failed';
  const message = typeof error.message === 'string' ? error.message : 'the asynchronous execution failed';
  return new ToolError(code, `${capability}: ${message}`, { status: 'failed', error: body.error ?? null });
}
