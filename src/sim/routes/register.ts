import type { Hono } from 'hono';
import { jwkThumbprint } from '../../jose/index.ts';
import {
  AgentModeSchema,
  Ed25519PublicJwkSchema,
  RegisterRequestSchema,
  type Ed25519PublicJwk,
  type RegisterRequest,
} from '../../protocol/index.ts';
import { issueGrant, openApproval, settleInitialStatus } from '../approvals.ts';
import { INITIAL_HOST_DEFAULTS } from '../capabilities.ts';
import { readCapabilityRequests } from '../capability-requests.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { invalidRequest, ProtocolError } from '../errors.ts';
import { jsonObjectBody, validate, type SimEnv } from '../sim-http.ts';
import { JwksError } from '../jwks-fetch.ts';
import { DEFAULT_USER_ID } from '../lifecycle.ts';
import { newId, type AgentRecord, type HostRecord } from '../store.ts';
import { verifyHostJwt, type VerifiedHostJwt } from '../verify-host-jwt.ts';
import { approvalView, grantView } from '../views.ts';

interface AgentKey {
  keyDelivery: 'inline' | 'jwks';
  publicKey?: Ed25519PublicJwk;
  jwksUrl?: string;
  kid?: string;
  identity: string;
}

/** POST /agent/register (§5.3). */
export function registerRegistrationRoute(app: Hono<SimEnv>, ctx: SimContext): void {
  app.post(ENDPOINTS.register, async (c) => {
    const verified = await verifyHostJwt(ctx, c.req.header('authorization'), 'register');
    const body = jsonObjectBody(c);
    checkMode(ctx, body.mode);
    const request = validate(RegisterRequestSchema, body, 'registration request');
    const mode = request.mode ?? 'delegated';
    const agentKey = await readAgentKey(ctx, verified);
    const requested = readCapabilityRequests(ctx, request.capabilities ?? []);

    // A copy of this registration sent at the same time may have created the never-seen host while
    // this one was being verified: from here on nothing awaits, so the lookup and the insert are atomic.
    const host = verified.host ?? storedHost(ctx, verified) ?? createHost(ctx, verified, request, mode);
    if (request.host_name !== undefined) host.name = request.host_name;

    const existing = ctx.store.agentByKey(host.id, agentKey.identity);
    if (existing === undefined && ctx.faults.has('registration-race')) {
      // The fault: a gap between looking for the agent and storing it, as an unserialised database would leave.
      await new Promise((resolve) => setTimeout(resolve, RACE_WINDOW_MS));
    }
    if (existing !== undefined) {
      ctx.lifecycle.refresh(existing);
      if (existing.status === 'pending' && !ctx.faults.has('pending-registration-not-idempotent')) {
        // Idempotent retry: same agent, refreshed approval flow (§5.3).
        openApproval(ctx, existing, host, request);
        return c.json(registrationView(ctx, existing));
      }
      if (existing.status !== 'pending' && !ctx.faults.has('agent-exists-not-rejected')) {
        throw new ProtocolError(409, 'agent_exists', 'An agent with this key is already registered under this host');
      }
    }

    checkAgentLimit(ctx, host);
    const now = ctx.clock.now();
    const agent: AgentRecord = {
      id: newId('agt'),
      name: request.name,
      hostId: host.id,
      mode,
      keyDelivery: agentKey.keyDelivery,
      ...(agentKey.publicKey !== undefined && { publicKey: agentKey.publicKey }),
      ...(agentKey.jwksUrl !== undefined && { jwksUrl: agentKey.jwksUrl }),
      ...(agentKey.kid !== undefined && { kid: agentKey.kid }),
      keyIdentity: agentKey.identity,
      retiredKeys: [],
      status: 'pending',
      grants: requested.map((item) =>
        issueGrant(ctx, host, { mode }, item.definition, item.constraints, request.reason),
      ),
      createdAt: now,
      updatedAt: now,
    };
    // Grants of a pending host, or of a delegated agent whose host has no user yet, all wait for a user.
    const needsUser = host.status !== 'active' || (mode === 'delegated' && host.userId === undefined);
    if (!needsUser && settleInitialStatus(agent) === 'active') {
      ctx.lifecycle.activate(agent);
      if (mode === 'delegated') agent.userId = host.userId;
    }
    ctx.store.agents.set(agent.id, agent);
    if (agent.status === 'pending' || agent.grants.some((grant) => grant.status === 'pending')) {
      openApproval(ctx, agent, host, request);
    }
    return c.json(registrationView(ctx, agent));
  });
}

/**
 * A deployment's cap on a user's live agents (`maxActiveAgentsPerUser`): not a protocol rule, but
 * what a harness meets on real servers, so the simulator can stand for one.
 */
function checkAgentLimit(ctx: SimContext, host: HostRecord): void {
  const limit = ctx.options.maxActiveAgentsPerUser;
  if (limit === undefined || host.userId === undefined) return;
  let live = 0;
  for (const agent of ctx.store.agents.values()) {
    if (agent.status !== 'active' && agent.status !== 'pending') continue;
    if (ctx.store.hosts.get(agent.hostId)?.userId === host.userId) live += 1;
  }
  if (live >= limit) {
    throw new ProtocolError(400, 'agent_limit_reached', `The user already has ${live} active or pending agents`);
  }
}

/** How long the `registration-race` fault holds a registration between its lookup and its insert. */
const RACE_WINDOW_MS = 50;

/** The stored host a verified registration token names (by JWKS URL or key thumbprint), if any. */
function storedHost(ctx: SimContext, verified: VerifiedHostJwt): HostRecord | undefined {
  return verified.jwksUrl === undefined
    ? ctx.store.hostByThumbprint(verified.thumbprint)
    : ctx.store.hostByJwksUrl(verified.jwksUrl);
}

/** A mode outside the offered set is `unsupported_mode` (§2.2, §5.13), whatever its spelling. */
function checkMode(ctx: SimContext, mode: unknown): void {
  if (mode === undefined) {
    if (!ctx.options.modes.includes('delegated') && !ctx.faults.has('unsupported-mode-accepted')) {
      throw new ProtocolError(400, 'unsupported_mode', 'This server does not offer delegated agents');
    }
    return;
  }
  if (typeof mode !== 'string') return; // left to schema validation
  const known = AgentModeSchema.safeParse(mode);
  const offered = known.success && ctx.options.modes.includes(known.data);
  if (!offered && !(known.success && ctx.faults.has('unsupported-mode-accepted'))) {
    throw new ProtocolError(400, 'unsupported_mode', `This server does not offer the mode '${mode}'`);
  }
}

/** The agent key claims of the registration host JWT (§4.2, §4.5.1 step 9). */
async function readAgentKey(ctx: SimContext, verified: VerifiedHostJwt): Promise<AgentKey> {
  const claims = verified.token.claims;
  if (claims.agent_public_key !== undefined) {
    const key = readEd25519Key(claims.agent_public_key, 'agent_public_key');
    return { keyDelivery: 'inline', publicKey: key, identity: `jwk:${await jwkThumbprint(key)}` };
  }
  if (claims.agent_jwks_url !== undefined) {
    const url = claims.agent_jwks_url;
    const kid = claims.agent_kid;
    if (typeof url !== 'string') throw invalidRequest('agent_jwks_url must be a URL string');
    if (typeof kid !== 'string' || kid.length === 0) throw invalidRequest('agent_kid is required with agent_jwks_url');
    const hostJwksUrl = verified.jwksUrl;
    if (hostJwksUrl !== undefined && hostJwksUrl === url) {
      throw invalidRequest('The agent JWKS URL must differ from the host JWKS URL');
    }
    try {
      await ctx.jwks.ed25519Key(url, kid);
    } catch (error) {
      if (error instanceof JwksError) throw invalidRequest(`The agent JWKS cannot be used: ${error.message}`);
      throw error;
    }
    return { keyDelivery: 'jwks', jwksUrl: url, kid, identity: `jwks:${url}#${kid}` };
  }
  throw invalidRequest('Registration needs agent_public_key or agent_jwks_url with agent_kid in the host JWT');
}

/** An Ed25519 public JWK; a well-formed key of another type is `unsupported_algorithm` (§5.13). */
export function readEd25519Key(value: unknown, what: string): Ed25519PublicJwk {
  const parsed = Ed25519PublicJwkSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { kty, crv } = value as { kty?: unknown; crv?: unknown };
    if (typeof kty === 'string' && (kty !== 'OKP' || (typeof crv === 'string' && crv !== 'Ed25519'))) {
      throw new ProtocolError(400, 'unsupported_algorithm', `${what} must be an Ed25519 key`);
    }
  }
  throw invalidRequest(`${what} is not an Ed25519 public JWK`);
}

/**
 * Dynamic registration: an unknown host starts pending (§2.8, §2.11), unless the approval policy is
 * `auto`, which stands for a user who approves everything at once.
 */
function createHost(ctx: SimContext, verified: VerifiedHostJwt, request: RegisterRequest, mode: string): HostRecord {
  const now = ctx.clock.now();
  const host: HostRecord = {
    id: newId('hst'),
    keyDelivery: verified.keyDelivery,
    thumbprint: verified.thumbprint,
    retiredKeys: [],
    defaultCapabilities: [...INITIAL_HOST_DEFAULTS],
    status: 'pending',
    createdAt: now,
    updatedAt: now,
    ...(verified.keyDelivery === 'inline' && { publicKey: verified.signingKey }),
    ...(verified.jwksUrl !== undefined && { jwksUrl: verified.jwksUrl }),
    ...(request.host_name !== undefined && { name: request.host_name }),
  };
  if (ctx.faults.has('unknown-host-auto-approved') || ctx.options.approvalPolicy === 'auto') {
    host.status = 'active';
    host.activatedAt = now;
    if (mode === 'delegated') {
      host.userId = DEFAULT_USER_ID;
      ctx.store.users.add(DEFAULT_USER_ID);
    }
  }
  ctx.store.hosts.set(host.id, host);
  return host;
}

function registrationView(ctx: SimContext, agent: AgentRecord) {
  return {
    agent_id: agent.id,
    host_id: agent.hostId,
    name: agent.name,
    mode: agent.mode,
    status: agent.status,
    agent_capability_grants: agent.grants.map((grant) => grantView(ctx, grant)),
    ...(agent.approval !== undefined && { approval: approvalView(ctx, agent.approval) }),
  };
}
