import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { approve, deny, hasPendingGrants } from './approvals.ts';
import { CONTROL_PATH, type SimContext } from './sim-context.ts';
import { invalidRequest, notFound, ProtocolError } from './errors.ts';
import { jsonBody, validate, type SimEnv, type SimHonoContext } from './sim-http.ts';
import { DEFAULT_USER_ID } from './lifecycle.ts';
import type { AgentRecord, HostRecord } from './store.ts';
import { SIMULATOR_PROFILE } from './sim-profile.ts';

/** Version tag of the operator control contract (spec/control-contract.md). */
export const CONTROL_CONTRACT = 'agent-auth-control/1';

/**
 * What the hook declares about its demo capabilities (contract §4 `fixtures`): how to make the async
 * and the streaming one fail, which nothing on the protocol surface tells a harness.
 */
const CONTROL_FIXTURES = {
  failing_arguments: {
    [SIMULATOR_PROFILE.async]: SIMULATOR_PROFILE.failureArguments.async,
    [SIMULATOR_PROFILE.stream]: SIMULATOR_PROFILE.failureArguments.stream,
  },
};

const capabilityNames = z.array(z.string().min(1));
const hostId = z.string().min(1);

const OPERATIONS = {
  approve: z.strictObject({
    agent_id: z.string().min(1).optional(),
    user_code: z.string().min(1).optional(),
    capabilities: capabilityNames.optional(),
    user_id: z.string().min(1).optional(),
  }),
  deny: z.strictObject({
    agent_id: z.string().min(1),
    capabilities: capabilityNames.optional(),
    reason: z.string().optional(),
  }),
  'link-host': z.strictObject({ host_id: hostId, user_id: z.string().min(1).optional() }),
  'unlink-host': z.strictObject({ host_id: hostId }),
  'set-host-defaults': z.strictObject({ host_id: hostId, capabilities: capabilityNames }),
  'expire-agent': z.strictObject({ agent_id: z.string().min(1), clock: z.enum(['session', 'max', 'absolute']) }),
  'advance-clock': z.strictObject({ seconds: z.number().finite().nonnegative() }),
  'restore-clock': z.strictObject({}),
  'revoke-host': z.strictObject({ host_id: hostId }),
  'create-user': z.strictObject({}),
  'delete-user': z.strictObject({ user_id: z.string().min(1) }),
  'remove-capability': z.strictObject({ name: z.string().min(1) }),
  'restore-capability': z.strictObject({ name: z.string().min(1) }),
  reset: z.strictObject({}),
} as const;

type Operation = keyof typeof OPERATIONS;
type Body<O extends Operation> = z.infer<(typeof OPERATIONS)[O]>;

/** Each control operation, callable in-process; failures are thrown as ProtocolError. */
export type ControlOperations = { [O in Operation]: (body: Body<O>) => Record<string, unknown> };

/** The operator control API of `agent-auth-control/1`, served under /__control. */
export function registerControlRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  const handlers = controlOperations(ctx);

  app.get(CONTROL_PATH, (c) =>
    c.json({
      contract: CONTROL_CONTRACT,
      supports: Object.keys(OPERATIONS),
      now: ctx.clock.nowSeconds(),
      fixtures: CONTROL_FIXTURES,
    }),
  );

  app.post(`${CONTROL_PATH}/:operation`, (c) => {
    const operation = c.req.param('operation');
    if (!Object.hasOwn(OPERATIONS, operation)) {
      throw new ProtocolError(501, 'not_supported', `The control operation '${operation}' is not supported`);
    }
    const op = operation as Operation;
    const body = validate(OPERATIONS[op] as z.ZodType<Body<typeof op>>, controlBody(c), `${op} body`);
    const result = (handlers[op] as (b: unknown) => Record<string, unknown>)(body);
    return c.json({ ok: true, ...result });
  });
}

/**
 * The operations behind the control API, on the simulator's own state; also what embedding code
 * calls to act as the operator without a round trip over HTTP.
 */
export function controlOperations(ctx: SimContext): ControlOperations {
  return {
    approve: (body) => {
      const agent = agentForApproval(ctx, body.agent_id, body.user_code);
      ctx.lifecycle.refresh(agent);
      if (agent.status === 'expired' && ctx.faults.has('approval-revives-expired')) {
        ctx.lifecycle.activate(agent);
        return agentResult(ctx, agent);
      }
      if (agent.status !== 'pending' && !hasPendingGrants(agent)) {
        throw new ProtocolError(
          409,
          'nothing_pending',
          `Agent ${agent.id} (${agent.status}) has nothing awaiting approval`,
        );
      }
      if (body.user_id !== undefined) knownUser(ctx, body.user_id);
      approve(ctx, agent, { capabilities: body.capabilities, userId: body.user_id });
      return agentResult(ctx, agent);
    },
    deny: (body) => {
      const agent = findAgent(ctx, body.agent_id);
      ctx.lifecycle.refresh(agent);
      if (agent.status !== 'pending' && !hasPendingGrants(agent)) {
        throw new ProtocolError(
          409,
          'nothing_pending',
          `Agent ${agent.id} (${agent.status}) has nothing awaiting approval`,
        );
      }
      deny(ctx, agent, { capabilities: body.capabilities, reason: body.reason });
      return agentResult(ctx, agent);
    },
    'link-host': (body) => {
      const host = findHost(ctx, body.host_id);
      const userId = body.user_id === undefined ? DEFAULT_USER_ID : knownUser(ctx, body.user_id);
      if (host.status === 'revoked' || host.status === 'rejected') {
        throw new ProtocolError(409, `host_${host.status}`, `Host ${host.id} is ${host.status}`);
      }
      if (host.userId !== undefined && host.userId !== userId) {
        throw new ProtocolError(409, 'host_already_linked', `Host ${host.id} is linked to another user`);
      }
      ctx.lifecycle.linkHost(host, userId);
      return hostResult(host);
    },
    'unlink-host': (body) => {
      const host = findHost(ctx, body.host_id);
      const agentsRevoked = ctx.lifecycle.unlinkHost(host);
      return { ...hostResult(host), agents_revoked: agentsRevoked };
    },
    'set-host-defaults': (body) => {
      const host = findHost(ctx, body.host_id);
      const unknown = body.capabilities.filter((name) => ctx.catalog.find(name) === undefined);
      if (unknown.length > 0) {
        throw new ProtocolError(400, 'invalid_capabilities', 'Unknown capabilities', { invalid_capabilities: unknown });
      }
      host.defaultCapabilities = [...new Set(body.capabilities)];
      host.updatedAt = ctx.clock.now();
      return { ...hostResult(host), default_capabilities: host.defaultCapabilities };
    },
    'expire-agent': (body) => {
      const agent = findAgent(ctx, body.agent_id);
      ctx.lifecycle.expireClock(agent, body.clock);
      return agentResult(ctx, agent);
    },
    'advance-clock': (body) => {
      ctx.clock.advance(body.seconds);
      return { now: ctx.clock.nowSeconds() };
    },
    'restore-clock': () => {
      ctx.clock.reset();
      return { now: ctx.clock.nowSeconds() };
    },
    'revoke-host': (body) => {
      const host = findHost(ctx, body.host_id);
      const agentsRevoked = ctx.lifecycle.revokeHost(host);
      return { ...hostResult(host), agents_revoked: agentsRevoked };
    },
    'create-user': () => {
      // The id is the server's: harnesses name users only by ids a server issued (contract §3).
      const userId = `usr_${randomUUID()}`;
      ctx.store.users.add(userId);
      return { user_id: userId };
    },
    'delete-user': (body) => {
      knownUser(ctx, body.user_id);
      const { hostsRevoked, agentsRevoked } = ctx.lifecycle.deleteUser(body.user_id);
      return { user_id: body.user_id, hosts_revoked: hostsRevoked, agents_revoked: agentsRevoked };
    },
    'remove-capability': (body) => {
      if (!ctx.catalog.remove(body.name)) {
        throw notFound('capability_not_found', `No capability named '${body.name}' is offered`);
      }
      return { name: body.name, removed: true };
    },
    'restore-capability': (body) => {
      if (!ctx.catalog.restore(body.name)) {
        throw notFound('capability_not_found', `No removed capability named '${body.name}'`);
      }
      return { name: body.name, restored: true };
    },
    reset: () => {
      ctx.store.clear();
      ctx.clock.reset();
      ctx.catalog.restoreAll();
      ctx.replay.clear();
      ctx.jwks.clear();
      ctx.rateLimiter?.clear();
      ctx.recorder?.clear();
      return {};
    },
  };
}

/** Control bodies are JSON; an empty body counts as `{}`. */
function controlBody(c: SimHonoContext): unknown {
  if ((c.get('rawBody') ?? '').trim() === '') return {};
  return jsonBody(c);
}

/**
 * A user id the simulator issued (by create-user) or its own test user; anything else is unknown,
 * as on a real server, so a harness inventing ids finds out.
 */
function knownUser(ctx: SimContext, userId: string): string {
  if (userId !== DEFAULT_USER_ID && !ctx.store.users.has(userId))
    throw notFound('user_not_found', `No user with id '${userId}' exists`);
  return userId;
}

function findAgent(ctx: SimContext, agentId: string): AgentRecord {
  const agent = ctx.store.agents.get(agentId);
  if (agent === undefined) throw notFound('agent_not_found', `No agent with id '${agentId}' exists`);
  return agent;
}

function findHost(ctx: SimContext, id: string): HostRecord {
  const host = ctx.store.hosts.get(id);
  if (host === undefined) throw notFound('host_not_found', `No host with id '${id}' exists`);
  return host;
}

function agentForApproval(ctx: SimContext, agentId: string | undefined, userCode: string | undefined): AgentRecord {
  if (agentId === undefined && userCode === undefined) throw invalidRequest('approve needs agent_id or user_code');
  const agent = agentId !== undefined ? findAgent(ctx, agentId) : ctx.store.agentByUserCode(userCode!);
  if (agent === undefined) throw notFound('agent_not_found', `No pending request has the user code '${userCode}'`);
  if (userCode !== undefined && agent.approval?.userCode !== userCode) {
    throw notFound('agent_not_found', `Agent ${agent.id} has no pending request with the user code '${userCode}'`);
  }
  return agent;
}

function agentResult(ctx: SimContext, agent: AgentRecord): Record<string, unknown> {
  const host = ctx.store.hosts.get(agent.hostId);
  return {
    agent_id: agent.id,
    status: agent.status,
    host_id: agent.hostId,
    host_status: host?.status,
    ...(host?.userId !== undefined && { user_id: host.userId }),
  };
}

function hostResult(host: HostRecord): Record<string, unknown> {
  return {
    host_id: host.id,
    host_status: host.status,
    ...(host.userId !== undefined && { user_id: host.userId }),
  };
}
