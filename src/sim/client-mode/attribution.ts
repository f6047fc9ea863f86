import type { SimContext } from '../sim-context.ts';
import type { AgentRecord, HostRecord } from '../store.ts';

/** What a request says about whom it concerns, read without verifying anything. */
export interface RequestFacts {
  query: URLSearchParams;
  /** The JSON request body, when it parses. */
  body: unknown;
  /** The bearer token's claims, when it decodes. */
  claims: Record<string, unknown> | undefined;
  /** The JSON answer, once there is one. */
  answer?: unknown;
}

/** Whom an operator action applies to. */
export interface Target {
  agent?: AgentRecord;
  host?: HostRecord;
}

/**
 * The agent and host a request concerns: the agent it names (status query, revoke or reactivate
 * body, agent JWT `sub`, or the registration answer), else the host whose key signed it (with its
 * latest agent), else the most recently registered agent.
 */
export function concerned(ctx: SimContext, facts: RequestFacts): Target {
  const ids = [
    facts.query.get('agent_id'),
    member(facts.body, 'agent_id'),
    facts.claims?.sub,
    member(facts.answer, 'agent_id'),
  ].filter((id): id is string => typeof id === 'string');
  if (ids.length > 0) {
    // A request about an agent the simulator does not know concerns nobody, not some other agent.
    const named = ids.map((id) => ctx.store.agents.get(id)).find((agent) => agent !== undefined);
    return named === undefined ? {} : targetOf(ctx, named);
  }
  const iss = facts.claims?.iss;
  const signer = typeof iss === 'string' ? ctx.store.hostByThumbprint(iss) : undefined;
  if (signer !== undefined) return { host: signer, agent: ctx.store.agentsOfHost(signer.id).at(-1) };
  const latest = latestAgent(ctx);
  return latest === undefined ? {} : targetOf(ctx, latest);
}

/** The agent and its host. */
export function targetOf(ctx: SimContext, agent: AgentRecord): Target {
  return { agent, host: ctx.store.hosts.get(agent.hostId) };
}

/** The most recently registered agent (the store keeps registration order). */
export function latestAgent(ctx: SimContext): AgentRecord | undefined {
  return [...ctx.store.agents.values()].at(-1);
}

function member(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
