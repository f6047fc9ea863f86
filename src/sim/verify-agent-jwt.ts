import { stateAdmitted, type StateCheckedEndpoint } from './state-faults.ts';
import { jwkThumbprint } from '../jose/index.ts';
import { AGENT_JWT_TYPE, HOST_JWT_TYPE, type Ed25519PublicJwk } from '../protocol/index.ts';
import type { SimContext } from './sim-context.ts';
import { forbidden, invalidJwt } from './errors.ts';
import {
  checkReplay,
  checkSignature,
  checkTimes,
  decodeBearerJwt,
  fromJwks,
  stringClaim,
  type DecodedToken,
  type TokenKind,
} from './jwt-checks.ts';
import type { AgentRecord, HostRecord } from './store.ts';
import { tolerates } from './tolerance.ts';

export interface AgentVerification {
  /** Audiences this endpoint accepts (§4.3). */
  audiences: readonly string[];
  /** Record the jti (false only for introspection, which must not use the token up). */
  consumeJti?: boolean;
  /** Count the request as agent activity, extending the session (§2.3). */
  touch?: boolean;
  /** Treat revoked agents as live (the `introspect-ignores-revocation` fault). */
  ignoreRevocation?: boolean;
  /** Which endpoint verifies, for the faults that weaken the state check of one endpoint only. */
  endpoint?: StateCheckedEndpoint;
}

export interface VerifiedAgentJwt {
  token: DecodedToken;
  agent: AgentRecord;
  host: HostRecord;
  /** The `capabilities` claim, when the token restricts itself (§4.3). */
  capabilities: string[] | undefined;
}

/** Step 1 for agent tokens: host tokens must not pass as agent tokens. */
const AGENT_TOKEN: TokenKind = {
  label: 'an agent JWT',
  typ: AGENT_JWT_TYPE,
  acceptsOtherTyp: (ctx, typ) =>
    typ === HOST_JWT_TYPE ? ctx.faults.has('accepts-host-token-as-agent') : ctx.faults.has('accepts-wrong-typ-agent'),
};

/** Agent JWT verification in the order of §4.5 (steps 1-8 and the claim parsing of step 11). */
export async function verifyAgentJwt(
  ctx: SimContext,
  authorization: string | undefined,
  opts: AgentVerification,
): Promise<VerifiedAgentJwt> {
  // Steps 1-3: typ, iss, aud; then sub.
  const { token, iss } = decodeBearerJwt(ctx, authorization, AGENT_TOKEN, opts.audiences);
  const sub = stringClaim(token, 'sub');
  // Step 4: the host, by iss or (JWKS rotation race) through the agent.
  const host = await resolveHost(ctx, iss, sub);
  if (host.status === 'revoked') throw forbidden('host_revoked', 'The host has been revoked');
  if (host.status === 'rejected') throw forbidden('host_rejected', 'The host was rejected');
  if (host.status === 'pending') throw forbidden('host_pending', 'The host is still pending approval');
  // Step 5: the agent belongs to that host.
  const agent = ctx.store.agents.get(sub);
  if (agent === undefined || agent.hostId !== host.id) throw invalidJwt('The agent is not registered under this host');
  // Step 6: agent state.
  const refreshed = ctx.lifecycle.refresh(agent);
  if (!stateAdmitted(ctx.faults, refreshed.status, opts.endpoint))
    checkAgentState(ctx, refreshed, opts.ignoreRevocation ?? false);
  // Step 7: signature with the agent's key.
  const { key, alternates } = await agentKeys(ctx, agent, token);
  await checkSignature(ctx, token, key, alternates);
  // Step 8: exp, iat, jti.
  const { exp } = checkTimes(ctx, token);
  if (opts.consumeJti ?? true) await checkReplay(ctx, token, `agent:${agent.id}`, exp);
  else if (
    typeof token.claims.jti !== 'string' &&
    !ctx.faults.has('missing-jti-accepted') &&
    !tolerates(ctx, 'jti-missing')
  ) {
    throw invalidJwt("The JWT lacks a string 'jti' claim");
  }
  const capabilities = capabilitiesClaim(token);
  if (opts.touch ?? true) ctx.lifecycle.touch(agent);
  return { token, agent, host, capabilities };
}

async function resolveHost(ctx: SimContext, iss: string, sub: string): Promise<HostRecord> {
  const byIss =
    ctx.store.hostByThumbprint(iss) ??
    (ctx.faults.has('old-host-key-works-after-rotation') ? ctx.store.hostByRetiredThumbprint(iss) : undefined);
  if (byIss !== undefined) return byIss;
  const agent = ctx.store.agents.get(sub);
  const host = agent === undefined ? undefined : ctx.store.hosts.get(agent.hostId);
  // The agent's own key still has to verify the signature: only the host's name in iss is wrong.
  if (host !== undefined && host.keyDelivery !== 'jwks' && tolerates(ctx, 'iss')) return host;
  if (host === undefined || host.keyDelivery !== 'jwks' || host.jwksUrl === undefined) {
    throw invalidJwt('The iss claim names no known host');
  }
  // The host rotated its JWKS key and no host JWT has told us yet: iss must be one of its keys (§8.7).
  const jwksUrl = host.jwksUrl;
  const keys = await fromJwks('host', () => ctx.jwks.ed25519Keys(jwksUrl, { refresh: true }));
  const thumbprints = await Promise.all(keys.map((key) => jwkThumbprint(key)));
  if (!thumbprints.includes(iss)) throw invalidJwt('The iss claim names no key of the host');
  return host;
}

function checkAgentState(ctx: SimContext, agent: AgentRecord, ignoreRevocation: boolean): void {
  switch (agent.status) {
    case 'active':
      return;
    case 'revoked':
      if (ignoreRevocation || ctx.faults.has('revoked-agent-executes')) return;
      throw forbidden('agent_revoked', 'The agent has been revoked');
    case 'expired':
      if (ctx.faults.has('expired-agent-executes')) return;
      throw forbidden('agent_expired', 'The agent session has expired; reactivate it');
    case 'pending':
      if (ctx.faults.has('pending-agent-executes')) return;
      throw forbidden('agent_pending', 'The agent is still pending approval');
    case 'rejected':
      throw forbidden('agent_rejected', 'The agent registration was rejected');
    case 'claimed':
      throw forbidden('agent_claimed', 'The agent was claimed by a user and is archived');
  }
}

async function agentKeys(
  ctx: SimContext,
  agent: AgentRecord,
  token: DecodedToken,
): Promise<{ key: Ed25519PublicJwk; alternates: Ed25519PublicJwk[] }> {
  const alternates = ctx.faults.has('old-agent-key-works-after-rotation') ? agent.retiredKeys : [];
  if (agent.keyDelivery === 'inline') return { key: agent.publicKey!, alternates };
  const kid = typeof token.header.kid === 'string' ? token.header.kid : agent.kid!;
  return { key: await fromJwks('agent', () => ctx.jwks.ed25519Key(agent.jwksUrl!, kid)), alternates };
}

function capabilitiesClaim(token: DecodedToken): string[] | undefined {
  const claim = token.claims.capabilities;
  if (claim === undefined) return undefined;
  if (!Array.isArray(claim) || !claim.every((name) => typeof name === 'string')) {
    throw invalidJwt("The 'capabilities' claim must be an array of capability names");
  }
  return claim;
}
