import { providerOf, requireConnection, type ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import { followAsync } from '../execution/async.ts';
import { resolveTarget, type ExecutionTarget } from '../execution/location.ts';
import { readStream } from '../execution/stream.ts';
import type { HttpStream } from '../http.ts';
import { log } from '../log.ts';
import { retryDelaySeconds } from '../rate-limit.ts';
import type { Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { sleep } from '../timing.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';
import { describe } from './capabilities.ts';
import { sendableName } from './names.ts';

export interface ExecuteArgs {
  agent_id: string;
  capability: string;
  arguments?: Record<string, unknown>;
}

/** Errors after which the cached capability data is stale and fetched again (§10.6 MUST, §5.2.1 SHOULD). */
const STALE_CAPABILITY_ERRORS: ReadonlySet<string> = new Set(['capability_not_found', 'invalid_request']);

/**
 * §6.10: executes at the resolved location with an agent JWT whose aud is that location and which is
 * restricted to this one capability (§6.10 step 1), then returns the sync data, follows an async job
 * to its end, or reads a stream to its done event. A 429 is retried with a fresh token, never before
 * Retry-After (§8.13).
 */
export async function executeCapability(
  ctx: ClientContext,
  args: ExecuteArgs,
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  const connection = requireConnection(ctx, args.agent_id);
  const provider = await providerOf(ctx, connection);
  const capability = sendableName(ctx, args.capability);
  const target = await resolveTarget(ctx, provider, connection, capability);
  const body: Record<string, unknown> = { capability };
  if (args.arguments !== undefined) body.arguments = args.arguments;

  const response = await send(ctx, connection, target, capability, body);
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
  if (response.status === 200 && contentType.startsWith('text/event-stream'))
    return readStream(response, capability, ctx.faults, reporter);

  const text = await response.text();
  const json = parseJson(text);
  const answer = { status: response.status, json, headers: response.headers };
  if (response.status < 200 || response.status >= 300)
    throw await executionError(ctx, provider, connection, capability, answer);
  if (!isRecord(json))
    throw new ToolError(
      'invalid_response',
      `executing ${capability} answered ${response.status} without a JSON object`,
    );
  if (json.status === 'pending' && (response.status === 202 || typeof json.status_url === 'string')) {
    if (ctx.faults.has('async-not-polled')) return json;
    return followAsync(ctx, {
      provider,
      connection,
      target,
      capability,
      body: json,
      headers: response.headers,
      reporter,
    });
  }
  if ('data' in json) return { data: json.data };
  if (json.status === 'completed') return { status: 'completed', result: json.result ?? null };
  if (json.status === 'failed') {
    const error = isRecord(json.error) ? json.error : {};
    throw new ToolError(
      typeof error.error === 'string' ? error.error : 'execution_failed',
      `${capability}: ${String(error.message ?? 'the execution failed')}`,
      {
        status: 'failed',
        error: json.error ?? null,
      },
    );
  }
  return json;
}

/** POSTs the execution, retrying a 429 with a fresh token each time. */
async function send(
  ctx: ClientContext,
  connection: Connection,
  target: ExecutionTarget,
  capability: string,
  body: Record<string, unknown>,
): Promise<HttpStream> {
  for (let attempt = 0; ; attempt++) {
    const { token } = await ctx.tokens.agentJwt(connection, target.aud, [capability]);
    const response = await ctx.http.open({
      method: 'POST',
      url: target.url,
      token,
      json: body,
      accept: 'application/json, text/event-stream',
    });
    if (response.status !== 429) return response;
    const delay = retryDelaySeconds(response.headers, attempt, ctx.faults);
    if (delay === undefined) return response;
    response.close();
    log(`${target.url} answered 429; retrying in ${delay} s`);
    await sleep(delay * 1000);
  }
}

/**
 * The tool error for a refused execution. On capability_not_found or invalid_request the provider's
 * cached capability data is dropped and the capability described afresh, so the agent sees the
 * current schema with the error (§10.6, §5.2.1).
 */
async function executionError(
  ctx: ClientContext,
  provider: Provider,
  connection: Connection,
  capability: string,
  answer: { status: number; json: unknown; headers: Headers },
): Promise<ToolError> {
  const error = errorFromAnswer(answer, `executing ${capability}`);
  if (!STALE_CAPABILITY_ERRORS.has(error.code) || ctx.faults.has('keeps-stale-capabilities')) return error;
  ctx.capabilities.invalidate(provider.issuer);
  const current = await describe(ctx, provider, connection, capability).catch(() => undefined);
  if (current !== undefined) error.details.capability = current;
  return error;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
