import type { Hono } from 'hono';
import { jwkThumbprint } from '../../jose/index.ts';
import {
  ReactivateRequestSchema,
  RevokeRequestSchema,
  RotateAgentKeyRequestSchema,
  StatusQuerySchema,
} from '../../protocol/index.ts';
import { issueGrant, openApproval, settleInitialStatus } from '../approvals.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { forbidden, notFound } from '../errors.ts';
import { jsonBody, queryParams, validate, type SimEnv } from '../sim-http.ts';
import type { AgentRecord, HostRecord } from '../store.ts';
import { verifyHostJwt } from '../verify-host-jwt.ts';
import { agentView, approvalView } from '../views.ts';
import type { FaultName } from '../faults.ts';
import { readEd25519Key } from './register.ts';

/** GET /agent/status, POST /agent/reactivate, /agent/revoke and /agent/rotate-key (§5.5-§5.8). */
export function registerAgentLifecycleRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  app.get(ENDPOINTS.status, async (c) => {
    const { host } = await verifyHostJwt(ctx, c.req.header('authorization'), 'status');
    const { agent_id } = validate(StatusQuerySchema, queryParams(c), 'query parameters');
    const agent = ownAgent(ctx, host!, agent_id, 'status-shows-foreign-agent');
    return c.json(agentView(ctx, ctx.lifecycle.refresh(agent)));
  });

  app.post(ENDPOINTS.reactivate, async (c) => {
    const { host } = await verifyHostJwt(ctx, c.req.header('authorization'), 'reactivate');
    const { agent_id } = validate(ReactivateRequestSchema, jsonBody(c), 'reactivation request');
    const agent = ctx.lifecycle.refresh(ownAgent(ctx, host!, agent_id));
    return c.json(reactivate(ctx, host!, agent));
  });

  app.post(ENDPOINTS.revoke, async (c) => {
    const { host } = await verifyHostJwt(ctx, c.req.header('authorization'), 'revoke-agent');
    const { agent_id } = validate(RevokeRequestSchema, jsonBody(c), 'revocation request');
    const agent = ownAgent(ctx, host!, agent_id, 'revoke-foreign-agent');
    if (!(agent.status === 'pending' && ctx.faults.has('revoke-leaves-pending-agent')))
      ctx.lifecycle.revokeAgent(agent);
    return c.json({ agent_id: agent.id, status: 'revoked' });
  });

  app.post(ENDPOINTS.rotate_key, async (c) => {
    const { host } = await verifyHostJwt(ctx, c.req.header('authorization'), 'rotate-agent-key');
    const body = validate(RotateAgentKeyRequestSchema, jsonBody(c), 'key rotation request');
    const agent = ctx.lifecycle.refresh(ownAgent(ctx, host!, body.agent_id));
    const key = readEd25519Key(body.public_key, 'public_key');
    const revives = rotationRevives(ctx, agent);
    if (agent.status === 'revoked' && !revives) throw forbidden('agent_revoked', 'The agent has been revoked');
    if (agent.status === 'rejected') throw forbidden('agent_rejected', 'The agent registration was rejected');
    if (agent.status === 'claimed') throw forbidden('agent_claimed', 'The agent was claimed and is archived');
    if (revives) ctx.lifecycle.activate(agent);
    if (agent.publicKey !== undefined) agent.retiredKeys.push(agent.publicKey);
    agent.keyDelivery = 'inline';
    agent.publicKey = key;
    delete agent.jwksUrl;
    delete agent.kid;
    agent.keyIdentity = `jwk:${await jwkThumbprint(key)}`;
    agent.updatedAt = ctx.clock.now();
    return c.json({ agent_id: agent.id, status: agent.status });
  });
}

/** Faults under which rotating an agent's key also (wrongly) moves it back to active. */
function rotationRevives(ctx: SimContext, agent: AgentRecord): boolean {
  return (
    (agent.status === 'pending' && ctx.faults.has('rotate-key-activates-pending')) ||
    (agent.status === 'expired' && ctx.faults.has('rotate-key-revives-expired')) ||
    (agent.status === 'revoked' && ctx.faults.has('rotate-key-revives-revoked'))
  );
}

/**
 * The agent named in a host request, which must be registered under that host (§5.5-§5.8); a fault
 * may let a host reach another host's agent.
 */
function ownAgent(ctx: SimContext, host: HostRecord, agentId: string, fault?: FaultName): AgentRecord {
  const agent = ctx.store.agents.get(agentId);
  if (agent === undefined) throw notFound('agent_not_found', `No agent with id '${agentId}' exists`);
  if (agent.hostId !== host.id && !(fault !== undefined && ctx.faults.has(fault))) {
    throw forbidden('unauthorized', 'The agent is not registered under this host');
  }
  return agent;
}

/** §5.6: only expired agents reactivate; their grants decay to the host defaults. */
function reactivate(ctx: SimContext, host: HostRecord, agent: AgentRecord) {
  const absoluteRevoked = agent.status === 'revoked' && agent.revokedBecause === 'absolute_lifetime';
  const resetsAbsolute = ctx.faults.has('resets-absolute-clock');
  if (agent.status === 'active') return withActivation(ctx, agent);
  if (absoluteRevoked && !resetsAbsolute) {
    throw forbidden('absolute_lifetime_exceeded', 'The agent outlived its absolute lifetime and cannot be reactivated');
  }
  const revivable =
    agent.status === 'expired' ||
    (absoluteRevoked && resetsAbsolute) ||
    (agent.status === 'revoked' && ctx.faults.has('reactivates-revoked-agent')) ||
    (agent.status === 'pending' && ctx.faults.has('reactivates-pending-agent')) ||
    (agent.status === 'claimed' && ctx.faults.has('reactivates-claimed-agent')) ||
    (agent.status === 'rejected' && ctx.faults.has('reactivates-rejected-agent'));
  if (!revivable) {
    throw forbidden(`agent_${agent.status}`, `The agent is ${agent.status} and cannot be reactivated`);
  }
  if (resetsAbsolute) agent.createdAt = ctx.clock.now();

  const now = ctx.clock.now();
  const defaults = host.defaultCapabilities.flatMap((name) => {
    const definition = ctx.catalog.find(name);
    return definition === undefined ? [] : [definition];
  });
  const keep = ctx.faults.has('keeps-escalated-grants-on-reactivation')
    ? agent.grants.filter((grant) => grant.status === 'active' && !host.defaultCapabilities.includes(grant.capability))
    : [];
  agent.grants = [
    ...keep,
    ...defaults.map((definition) => issueGrant(ctx, host, agent, definition, undefined, 'Host default capability')),
  ];
  agent.updatedAt = now;
  ctx.lifecycle.activate(agent);
  if (settleInitialStatus(agent) === 'pending') ctx.lifecycle.setStatus(agent, 'pending');
  if (agent.grants.some((grant) => grant.status === 'pending')) openApproval(ctx, agent, host, {});
  else delete agent.approval;
  return withActivation(ctx, agent);
}

function withActivation(ctx: SimContext, agent: AgentRecord) {
  const view = agentView(ctx, agent);
  return agent.approval !== undefined ? { ...view, approval: approvalView(ctx, agent.approval) } : view;
}
