import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ExecuteRequestSchema, unknownConstraintOperators } from '../../protocol/index.ts';
import type { CapabilityDefinition } from '../capabilities.ts';
import type { ConstraintKind } from '../constraints.ts';
import { findViolations } from '../constraints.ts';
import { ASYNC_STATUS_PATH, ENDPOINTS, type SimContext } from '../sim-context.ts';
import { forbidden, invalidRequest, notFound, ProtocolError } from '../errors.ts';
import type { FaultName } from '../faults.ts';
import type { StreamScript } from '../options.ts';
import { jsonBody, validate, type SimEnv, type SimHonoContext } from '../sim-http.ts';
import { newId, type AsyncJob, type GrantRecord } from '../store.ts';
import { verifyAgentJwt, type VerifiedAgentJwt } from '../verify-agent-jwt.ts';
import { capabilityNotFound } from './capabilities.ts';

const IGNORED_CONSTRAINT_FAULTS: readonly [FaultName, ConstraintKind][] = [
  ['ignores-max-operator', 'max'],
  ['ignores-min-operator', 'min'],
  ['ignores-in-operator', 'in'],
  ['ignores-not-in-operator', 'not_in'],
  ['ignores-exact-constraint', 'exact'],
];

/** POST /capability/execute (§5.11) and the async status URLs it hands out. */
export function registerExecuteRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  app.post(ENDPOINTS.execute, executeHandler(ctx, [ctx.defaultLocation, ctx.issuer]));

  app.get(`${ASYNC_STATUS_PATH}/:job`, async (c) => {
    const authorization = c.req.header('authorization');
    // The URL the client polled: under the issuer, whose path (client mode may give it one) routing removed.
    const statusUrl = `${ctx.issuer}${c.req.path}`;
    const anonymousAllowed = authorization === undefined && ctx.faults.has('async-poll-unauthenticated');
    const verified = anonymousAllowed
      ? undefined
      : await verifyAgentJwt(ctx, authorization, { audiences: [ctx.issuer, statusUrl] });
    const job = ctx.store.jobs.get(c.req.param('job'));
    if (job === undefined) throw notFound('job_not_found', 'No execution is known under this status URL');
    if (verified !== undefined && verified.agent.id !== job.agentId && !ctx.faults.has('async-poll-any-agent')) {
      throw forbidden('unauthorized', 'Only the agent that started this execution may poll it');
    }
    job.polls += 1;
    if (job.polls <= ctx.options.asyncPendingPolls) return c.json({ status: 'pending', status_url: statusUrl });
    if (job.fail) {
      return c.json({
        status: 'failed',
        error: { error: 'report_failed', message: 'The report job failed as requested' },
      });
    }
    return c.json({ status: 'completed', result: job.result });
  });
}

/**
 * The execute handler of a location (§2.15, §5.11): its tokens must name one of `audiences`, and it
 * executes the capabilities `serves` accepts (a location of its own serves only its capabilities).
 */
export function executeHandler(
  ctx: SimContext,
  audiences: readonly string[],
  serves: (capability: string) => boolean = () => true,
): (c: SimHonoContext) => Promise<Response> {
  return async (c) => {
    const verified = await verifyAgentJwt(ctx, c.req.header('authorization'), { audiences, endpoint: 'execute' });
    const request = validate(ExecuteRequestSchema, jsonBody(c), 'execute request');
    if (!serves(request.capability)) throw capabilityNotFound(ctx, request.capability);
    const { definition, grant } = authorize(ctx, verified, request.capability);
    const parsed = definition.input.safeParse(request.arguments ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidRequest(
        `The arguments do not match the input schema of '${definition.name}'` +
          (issue === undefined ? '' : ` (${issue.path.join('.') || 'arguments'}: ${issue.message})`),
      );
    }
    const args = request.arguments ?? {};
    enforceConstraints(ctx, grant, args);
    switch (definition.mode) {
      case 'sync':
        return c.json(
          ctx.faults.has('sync-response-has-status')
            ? { data: definition.run(args), status: 'completed' }
            : { data: definition.run(args) },
        );
      case 'async':
        return startJob(c, ctx, verified, definition, args);
      case 'stream':
        return stream(c, ctx, definition, args);
    }
  };
}

/** Only an active grant authorises execution; two faults let a pending or a denied one do too. */
function grantUsable(ctx: SimContext, status: GrantRecord['status']): boolean {
  if (status === 'pending') return ctx.faults.has('pending-grant-executes');
  if (status === 'denied') return ctx.faults.has('denied-grant-executes');
  return status === 'active';
}

/** Steps 10-11 of §4.5 plus capability existence and removal (§2.12). */
function authorize(
  ctx: SimContext,
  verified: VerifiedAgentJwt,
  name: string,
): { definition: CapabilityDefinition; grant: GrantRecord } {
  const grant = verified.agent.grants.find((g) => g.capability === name && grantUsable(ctx, g.status));
  if (ctx.catalog.isRemoved(name) && !(grant !== undefined && ctx.faults.has('removed-capability-executes'))) {
    throw forbidden('capability_not_granted', `The capability '${name}' has been removed`);
  }
  const definition = ctx.catalog.findEver(name);
  if (definition === undefined) throw capabilityNotFound(ctx, name);
  const claim = verified.capabilities;
  if (claim !== undefined && !claim.includes(name) && !ctx.faults.has('capabilities-claim-ignored')) {
    throw forbidden('capability_not_granted', `This token is restricted to: ${claim.join(', ') || '(nothing)'}`);
  }
  if (grant === undefined) throw forbidden('capability_not_granted', `The agent holds no active grant for '${name}'`);
  return { definition, grant };
}

/** Step 12 of §4.5 (§2.13, §5.11). */
function enforceConstraints(ctx: SimContext, grant: GrantRecord, args: Record<string, unknown>): void {
  if (grant.constraints === undefined) return;
  const unknown = unknownConstraintOperators(grant.constraints);
  if (unknown.length > 0 && !ctx.faults.has('unknown-operator-ignored')) {
    throw new ProtocolError(
      400,
      'unknown_constraint_operator',
      `The grant uses unknown operators: ${unknown.join(', ')}`,
      {
        unknown_operators: unknown,
      },
    );
  }
  const ignored = new Set(IGNORED_CONSTRAINT_FAULTS.filter(([fault]) => ctx.faults.has(fault)).map(([, kind]) => kind));
  // The fault: numbers are cut to whole ones before the check, as a server parsing them as integers would.
  const checked = ctx.faults.has('truncates-numeric-arguments') ? truncateNumbers(args) : args;
  const violations = findViolations(grant.constraints, checked, ignored);
  if (violations.length > 0) {
    throw forbidden('constraint_violated', 'Execution arguments violate grant constraints', { violations });
  }
}

function startJob(
  c: SimHonoContext,
  ctx: SimContext,
  verified: VerifiedAgentJwt,
  definition: CapabilityDefinition,
  args: Record<string, unknown>,
) {
  const job: AsyncJob = {
    id: newId('job'),
    agentId: verified.agent.id,
    capability: definition.name,
    fail: args.fail === true,
    polls: 0,
    result: definition.run(args),
  };
  ctx.store.jobs.set(job.id, job);
  // Another origin is handed out only to see whether a client follows it (§8.12); nothing serves it here.
  const origin = ctx.options.asyncStatusOrigin ?? ctx.issuer;
  const body = { status: 'pending', status_url: `${origin}${ASYNC_STATUS_PATH}/${job.id}` };
  return c.json(body, ctx.faults.has('async-pending-200') ? 200 : 202);
}

function stream(c: SimHonoContext, ctx: SimContext, definition: CapabilityDefinition, args: Record<string, unknown>) {
  if (ctx.options.streamScript !== undefined) return scriptedStream(c, ctx.options.streamScript);
  const chunks = definition.run(args) as unknown[];
  const fail = args.fail === true;
  return streamSSE(c, async (sse) => {
    let sent = 0;
    for (const chunk of chunks) {
      if (fail && sent === 1) {
        await sse.writeSSE({
          event: 'error',
          data: JSON.stringify({ error: 'stream_failed', message: 'The transaction feed failed as requested' }),
        });
        break;
      }
      await sse.writeSSE({ event: 'data', data: JSON.stringify(chunk) });
      sent += 1;
    }
    if (!ctx.faults.has('sse-no-done-event'))
      await sse.writeSSE({ event: 'done', data: JSON.stringify({ chunks: sent }) });
  });
}

/** A fixed event sequence (typed, untyped, multi-line data), closed with or without `done` (§5.11). */
function scriptedStream(c: SimHonoContext, script: StreamScript) {
  return streamSSE(c, async (sse) => {
    for (const event of script.events) await sse.writeSSE({ ...event });
    if (script.done) await sse.writeSSE({ event: 'done', data: JSON.stringify({ chunks: script.events.length }) });
    if (script.holdOpenMs !== undefined) await sse.sleep(script.holdOpenMs);
  });
}

/** `args` with every top-level number cut to a whole number (the `truncates-numeric-arguments` fault). */
function truncateNumbers(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([field, value]) => [field, typeof value === 'number' ? Math.trunc(value) : value]),
  );
}
