import type { SimClock } from './clock.ts';
import type { FaultSet } from './faults.ts';
import type { AgentRecord, HostRecord, Store } from './store.ts';

export interface Lifetimes {
  sessionTtlSeconds: number;
  maxLifetimeSeconds: number;
  absoluteLifetimeSeconds: number;
}

/** The user an operator acts as when no user id is named. */
export const DEFAULT_USER_ID = 'usr_simulated_user';

/**
 * Agent and host state transitions. Lifetime clocks (§2.4) are evaluated lazily: every read of an
 * agent goes through `refresh`, which applies whatever expiry or revocation the clock implies.
 */
export class Lifecycle {
  constructor(
    private readonly store: Store,
    private readonly clock: SimClock,
    private readonly lifetimes: Lifetimes,
    private readonly faults: FaultSet,
  ) {}

  /** Applies the lifetime clocks to `agent` and returns it. */
  refresh(agent: AgentRecord): AgentRecord {
    const absoluteApplies =
      agent.status === 'active' || (agent.status === 'expired' && !this.faults.has('absolute-clock-spares-expired'));
    if (absoluteApplies && this.absoluteElapsed(agent)) {
      this.setStatus(agent, 'revoked');
      agent.revokedBecause = 'absolute_lifetime';
    } else if (agent.status === 'active' && this.sessionOrMaxElapsed(agent)) {
      this.setStatus(agent, 'expired');
    }
    return agent;
  }

  absoluteElapsed(agent: AgentRecord): boolean {
    return this.clock.now() > agent.createdAt + this.lifetimes.absoluteLifetimeSeconds * 1000;
  }

  private sessionOrMaxElapsed(agent: AgentRecord): boolean {
    const now = this.clock.now();
    const activatedAt = agent.activatedAt ?? agent.createdAt;
    const sessionStart = agent.sessionStartedAt ?? activatedAt;
    return (
      now > sessionStart + this.lifetimes.sessionTtlSeconds * 1000 ||
      now > activatedAt + this.lifetimes.maxLifetimeSeconds * 1000
    );
  }

  /** When the agent will stop being active if nothing happens: the earliest of its three deadlines. */
  expiresAt(agent: AgentRecord): number | undefined {
    if (agent.status !== 'active' || agent.activatedAt === undefined) return undefined;
    const sessionStart = agent.sessionStartedAt ?? agent.activatedAt;
    return Math.min(
      sessionStart + this.lifetimes.sessionTtlSeconds * 1000,
      agent.activatedAt + this.lifetimes.maxLifetimeSeconds * 1000,
      agent.createdAt + this.lifetimes.absoluteLifetimeSeconds * 1000,
    );
  }

  /** Records an authenticated agent request: it extends the session TTL (§2.3). */
  touch(agent: AgentRecord): void {
    const now = this.clock.now();
    agent.lastUsedAt = now;
    agent.sessionStartedAt = now;
  }

  /** Starts (or restarts) the session and max-lifetime clocks (§2.5). */
  activate(agent: AgentRecord): void {
    const now = this.clock.now();
    this.setStatus(agent, 'active');
    agent.activatedAt = now;
    agent.sessionStartedAt = now;
    delete agent.revokedBecause;
  }

  /** Makes one lifetime clock elapse now (operator `expire-agent`). */
  expireClock(agent: AgentRecord, which: 'session' | 'max' | 'absolute'): void {
    const past = (seconds: number) => this.clock.now() - seconds * 1000 - 1000;
    if (which === 'session') agent.sessionStartedAt = past(this.lifetimes.sessionTtlSeconds);
    if (which === 'max') agent.activatedAt = past(this.lifetimes.maxLifetimeSeconds);
    if (which === 'absolute') agent.createdAt = past(this.lifetimes.absoluteLifetimeSeconds);
    this.refresh(agent);
  }

  revokeAgent(agent: AgentRecord): void {
    this.setStatus(agent, 'revoked');
    agent.revokedBecause = 'revoked';
  }

  /** Revokes a host and, unless the cascade is faulted away, every live agent under it (§8.5). */
  revokeHost(host: HostRecord): number {
    this.setHostStatus(host, 'revoked');
    if (this.faults.has('no-revocation-cascade')) return 0;
    let revoked = 0;
    for (const agent of this.store.agentsOfHost(host.id)) {
      this.refresh(agent);
      if (agent.status === 'revoked' || agent.status === 'rejected' || agent.status === 'claimed') continue;
      if (agent.status === 'pending') {
        this.setStatus(agent, 'rejected');
      } else {
        this.revokeAgent(agent);
      }
      revoked += 1;
    }
    return revoked;
  }

  /** Links `host` to `userId`, activating a pending host and claiming its autonomous agents (§2.9, §2.10). */
  linkHost(host: HostRecord, userId: string): void {
    this.store.users.add(userId);
    host.userId = userId;
    if (host.status === 'pending') {
      this.setHostStatus(host, 'active');
      host.activatedAt = this.clock.now();
    }
    host.updatedAt = this.clock.now();
    if (this.faults.has('autonomous-claim-skipped')) return;
    for (const agent of this.store.agentsOfHost(host.id)) {
      this.refresh(agent);
      if (agent.mode !== 'autonomous' || agent.status !== 'active') continue;
      this.setStatus(agent, 'claimed');
      agent.userId = userId;
      agent.grants = [];
    }
  }

  /** Unlinks `host`; its delegated agents lose their authority and are revoked (§2.9). */
  unlinkHost(host: HostRecord): number {
    delete host.userId;
    host.updatedAt = this.clock.now();
    if (this.faults.has('unlink-keeps-delegated-agents')) return 0;
    let revoked = 0;
    for (const agent of this.store.agentsOfHost(host.id)) {
      this.refresh(agent);
      if (agent.mode !== 'delegated') continue;
      if (agent.status === 'pending' && this.faults.has('unlink-spares-pending')) continue;
      if (agent.status === 'active' || agent.status === 'expired' || agent.status === 'pending') {
        this.revokeAgent(agent);
        revoked += 1;
      }
    }
    return revoked;
  }

  /** Deletes a user: every host linked to them is revoked, cascading to agents (§2.6). */
  deleteUser(userId: string): { hostsRevoked: number; agentsRevoked: number } {
    this.store.users.delete(userId);
    let hostsRevoked = 0;
    let agentsRevoked = 0;
    if (this.faults.has('user-deletion-no-cascade')) return { hostsRevoked, agentsRevoked };
    for (const host of this.store.hosts.values()) {
      if (host.userId !== userId || host.status === 'revoked') continue;
      agentsRevoked += this.revokeHost(host);
      hostsRevoked += 1;
    }
    return { hostsRevoked, agentsRevoked };
  }

  setStatus(agent: AgentRecord, status: AgentRecord['status']): void {
    agent.status = status;
    agent.updatedAt = this.clock.now();
  }

  setHostStatus(host: HostRecord, status: HostRecord['status']): void {
    host.status = status;
    host.updatedAt = this.clock.now();
  }
}
