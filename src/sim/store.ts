import { randomBytes } from 'node:crypto';
import type { AgentMode, AgentStatus, Constraints, Ed25519PublicJwk, HostStatus } from '../protocol/index.ts';

export type KeyDelivery = 'inline' | 'jwks';

export interface HostRecord {
  id: string;
  name?: string;
  keyDelivery: KeyDelivery;
  /** Inline hosts: the current public key. */
  publicKey?: Ed25519PublicJwk;
  /** The current identifier: the thumbprint of the current signing key (the JWT `iss`). */
  thumbprint: string;
  /** Keys replaced by rotation (kept only to let a fault accept them). */
  retiredKeys: { thumbprint: string; key: Ed25519PublicJwk }[];
  jwksUrl?: string;
  userId?: string;
  defaultCapabilities: string[];
  status: HostStatus;
  createdAt: number;
  updatedAt: number;
  activatedAt?: number;
  lastUsedAt?: number;
}

export interface GrantRecord {
  capability: string;
  status: 'active' | 'pending' | 'denied';
  /** Constraints the grant carries once active (the effective scope). */
  constraints?: Constraints;
  /** Constraints the agent proposed, kept while the grant is pending. */
  requestedConstraints?: Constraints;
  grantedBy?: string;
  deniedBy?: string;
  reason?: string;
  createdAt: number;
  updatedAt: number;
}

export type ApprovalMethod = 'device_authorization' | 'ciba';

export interface ApprovalRecord {
  method: ApprovalMethod;
  userCode: string;
  bindingMessage?: string;
  createdAt: number;
}

export interface AgentRecord {
  id: string;
  name: string;
  hostId: string;
  userId?: string;
  mode: AgentMode;
  keyDelivery: KeyDelivery;
  publicKey?: Ed25519PublicJwk;
  jwksUrl?: string;
  kid?: string;
  /** Registration key: the agent key's thumbprint (inline) or JWKS URL + kid. */
  keyIdentity: string;
  /** Keys replaced by rotation (kept only to let a fault accept them). */
  retiredKeys: Ed25519PublicJwk[];
  status: AgentStatus;
  /** Why the agent was revoked, when it was. */
  revokedBecause?: 'absolute_lifetime' | 'revoked';
  grants: GrantRecord[];
  approval?: ApprovalRecord;
  createdAt: number;
  updatedAt: number;
  activatedAt?: number;
  /** Start of the current session: the last agent request or activation (the session TTL anchor). */
  sessionStartedAt?: number;
  lastUsedAt?: number;
}

export interface AsyncJob {
  id: string;
  agentId: string;
  capability: string;
  fail: boolean;
  polls: number;
  result: unknown;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** A device-authorization style user code: 8 characters in two groups (RFC 8628 §6.1). */
export function newUserCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** In-memory state of one simulator: users, hosts, agents and async jobs. */
export class Store {
  readonly users = new Set<string>();
  readonly hosts = new Map<string, HostRecord>();
  readonly agents = new Map<string, AgentRecord>();
  readonly jobs = new Map<string, AsyncJob>();

  hostByThumbprint(thumbprint: string): HostRecord | undefined {
    for (const host of this.hosts.values()) if (host.thumbprint === thumbprint) return host;
    return undefined;
  }

  hostByRetiredThumbprint(thumbprint: string): HostRecord | undefined {
    for (const host of this.hosts.values())
      if (host.retiredKeys.some((retired) => retired.thumbprint === thumbprint)) return host;
    return undefined;
  }

  hostByJwksUrl(url: string): HostRecord | undefined {
    for (const host of this.hosts.values()) if (host.jwksUrl === url) return host;
    return undefined;
  }

  agentsOfHost(hostId: string): AgentRecord[] {
    return [...this.agents.values()].filter((agent) => agent.hostId === hostId);
  }

  agentByKey(hostId: string, keyIdentity: string): AgentRecord | undefined {
    return this.agentsOfHost(hostId).find((agent) => agent.keyIdentity === keyIdentity);
  }

  agentByUserCode(userCode: string): AgentRecord | undefined {
    for (const agent of this.agents.values()) if (agent.approval?.userCode === userCode) return agent;
    return undefined;
  }

  clear(): void {
    this.users.clear();
    this.hosts.clear();
    this.agents.clear();
    this.jobs.clear();
  }
}
