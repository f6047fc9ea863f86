import type { Hono } from 'hono';
import {
  CapabilityListQuerySchema,
  DescribeCapabilityQuerySchema,
  type Capability,
  type CapabilitySummary,
} from '../../protocol/index.ts';
import { identifyCaller, type CallerIdentity } from '../auth-dispatch.ts';
import { matchesQuery, summaryOf, type CapabilityDefinition } from '../capabilities.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { invalidRequest, notFound, ProtocolError } from '../errors.ts';
import { queryParams, validate, type SimEnv, type SimHonoContext } from '../sim-http.ts';
import { MAX_PAGE_SIZE } from '../options.ts';
import type { AgentRecord } from '../store.ts';
import { capabilityDetail } from '../views.ts';

/** GET /capability/list (§5.2) and GET /capability/describe (§5.2.1). */
export function registerCapabilityRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  app.get(ENDPOINTS.capabilities, async (c) => {
    const query = validate(CapabilityListQuerySchema, queryParams(c), 'query parameters');
    const caller = await authenticate(ctx, c.req.header('authorization'));
    const limit = query.limit === undefined ? MAX_PAGE_SIZE : Math.min(Number(query.limit), MAX_PAGE_SIZE);
    if (limit < 1) throw invalidRequest('limit must be at least 1');
    const offset = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const visible = ctx.catalog
      .offered()
      .filter((capability) => caller.kind !== 'anonymous' || capability.public)
      .filter((capability) => query.query === undefined || matchesQuery(capability, query.query));
    const page = visible.slice(offset, offset + limit);
    const hasMore = offset + limit < visible.length;
    const agent = caller.kind === 'agent' ? caller.verified.agent : undefined;
    setCacheHeaders(c, caller);
    return c.json({
      capabilities: page.map((capability) => withGrantStatus(ctx, summaryOf(capability), capability, agent)),
      next_cursor: hasMore ? encodeCursor(offset + limit) : null,
      has_more: hasMore,
    });
  });

  app.get(ENDPOINTS.describe_capability, async (c) => {
    const { name } = validate(DescribeCapabilityQuerySchema, queryParams(c), 'query parameters');
    const caller = await authenticate(ctx, c.req.header('authorization'));
    const capability = ctx.catalog.find(name);
    if (capability === undefined) throw capabilityNotFound(ctx, name);
    const agent = caller.kind === 'agent' ? caller.verified.agent : undefined;
    setCacheHeaders(c, caller);
    return c.json(withGrantStatus(ctx, capabilityDetail(ctx, capability), capability, agent));
  });
}

/** §10.6: capability answers may be cached for five minutes, per caller identity. */
function setCacheHeaders(c: SimHonoContext, caller: CallerIdentity): void {
  c.header('Cache-Control', caller.kind === 'anonymous' ? 'public, max-age=300' : 'private, max-age=300');
  c.header('Vary', 'Authorization');
}

async function authenticate(ctx: SimContext, authorization: string | undefined): Promise<CallerIdentity> {
  const caller = await identifyCaller(ctx, authorization);
  if (caller.kind === 'anonymous' && ctx.options.capabilityListRequiresAuth) {
    throw new ProtocolError(
      401,
      'authentication_required',
      'This server requires a host or agent JWT to list capabilities.',
    );
  }
  return caller;
}

/** 404 capability_not_found (§5.2.1); the `wrong-error-code-capability-not-found` fault changes the code. */
export function capabilityNotFound(ctx: SimContext, name: string): ProtocolError {
  const code = ctx.faults.has('wrong-error-code-capability-not-found') ? 'unknown_capability' : 'capability_not_found';
  return notFound(code, `No capability named '${name}' exists`);
}

function withGrantStatus<T extends CapabilitySummary | Capability>(
  ctx: SimContext,
  view: T,
  capability: CapabilityDefinition,
  agent: AgentRecord | undefined,
): T {
  if (agent === undefined || ctx.faults.has('no-grant-status-with-agent-jwt')) return view;
  const granted = agent.grants.some((grant) => grant.capability === capability.name && grant.status === 'active');
  return { ...view, grant_status: granted ? 'granted' : 'not_granted' };
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw invalidRequest('The cursor is not one this server issued');
}
