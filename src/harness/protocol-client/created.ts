import type { HostIdentity } from './identities.ts';

/**
 * What a check registered at the target: each host that got at least one agent, with those agents'
 * ids. The runner revokes them when the check ends, so a run leaves no active agents behind (servers
 * cap active agents per user) and the next run meets the server as this one did.
 */
export class CreatedAtTarget {
  private readonly agentsByHost = new Map<HostIdentity, string[]>();

  add(host: HostIdentity, agentId: string): void {
    const agents = this.agentsByHost.get(host) ?? [];
    // An idempotent retry answers the same agent again: it is one agent to revoke.
    if (!agents.includes(agentId)) this.agentsByHost.set(host, [...agents, agentId]);
  }

  /** What was recorded so far, as a record of its own; this one starts empty again. */
  drain(): CreatedAtTarget {
    const drained = new CreatedAtTarget();
    for (const [host, agents] of this.agentsByHost) for (const agent of agents) drained.add(host, agent);
    this.agentsByHost.clear();
    return drained;
  }

  /** Hosts in registration order, each with the ids of the agents registered under it. */
  entries(): [HostIdentity, readonly string[]][] {
    return [...this.agentsByHost];
  }
}
