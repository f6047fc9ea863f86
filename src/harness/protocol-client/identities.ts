import { generateEd25519KeyPair, type Ed25519KeyPair } from '../../jose/index.ts';
import type { AgentMode } from '../../protocol/index.ts';
import { ClientBase } from './target.ts';

/** A host identity the harness plays: its current key, earlier keys, and what the server called it. */
export interface HostIdentity {
  readonly kind: 'host';
  name: string;
  keys: Ed25519KeyPair;
  /** Keys replaced by rotateHostKey, oldest first. */
  previousKeys: Ed25519KeyPair[];
  /** `host_id` as answered by the server, once known. */
  hostId?: string;
  /**
   * Set for a JWKS-keyed host: its host JWTs name this URL (`host_jwks_url`, header `kid`) instead of
   * carrying the key inline (§4.2).
   */
  jwksUrl?: string;
}

/** An agent registered through the harness. */
export interface AgentIdentity {
  readonly kind: 'agent';
  host: HostIdentity;
  agentId: string;
  mode: AgentMode;
  keys: Ed25519KeyPair;
  /** Keys replaced by rotateAgentKey, oldest first. */
  previousKeys: Ed25519KeyPair[];
  /** The registration response body, unvalidated (loosely typed like HttpResult.json). */
  // biome-ignore lint/suspicious/noExplicitAny: read loosely like HttpResult.json
  registration: any;
  /** The newest approval object the server handed out for this agent (registration, request-capability, reactivate). */
  // biome-ignore lint/suspicious/noExplicitAny: read loosely like HttpResult.json
  approval?: any;
}

/** Enough to name an agent in host-authenticated calls (an AgentIdentity is one). */
export interface AgentRef {
  host: HostIdentity;
  agentId: string;
}

/** Who authenticates a capability list/describe request. */
export type Auth = 'none' | HostIdentity | AgentIdentity;

const DEFAULT_HOST_NAME = 'agent-auth-conformance';

/** Makes the host identities and agent keys the harness plays. */
export class ClientIdentities extends ClientBase {
  private hostCount = 0;

  /**
   * A fresh host identity; with `jwksUrl` it is JWKS-keyed (publish its keys there, with a `kid`).
   * The key's `kid` is its thumbprint unless `kid` names another one, or is null for a key without.
   */
  async newHost(opts: { name?: string; kid?: string | null; jwksUrl?: string } = {}): Promise<HostIdentity> {
    this.hostCount += 1;
    const keys =
      opts.kid === undefined
        ? await newHostKeys()
        : await generateEd25519KeyPair(opts.kid === null ? {} : { kid: opts.kid });
    const host: HostIdentity = {
      kind: 'host',
      name: opts.name ?? `${DEFAULT_HOST_NAME} host ${this.hostCount}`,
      keys,
      previousKeys: [],
    };
    if (opts.jwksUrl !== undefined) host.jwksUrl = opts.jwksUrl;
    return host;
  }

  newAgentKeys(opts: { kid?: string } = {}): Promise<Ed25519KeyPair> {
    return generateEd25519KeyPair(opts.kid === undefined ? {} : { kid: opts.kid });
  }
}

/**
 * A host key pair whose `kid` is its own thumbprint, as common clients publish it. The thumbprint
 * (and so `iss`) does not depend on `kid`; checks that need a key without one ask for it.
 */
export async function newHostKeys(): Promise<Ed25519KeyPair> {
  const pair = await generateEd25519KeyPair();
  const kid = pair.thumbprint;
  return { ...pair, kid, publicJwk: { ...pair.publicJwk, kid }, privateJwk: { ...pair.privateJwk, kid } };
}

/** How an `Auth` reads in request labels. */
export function authLabel(auth: Auth): string {
  return auth === 'none' ? 'no auth' : auth.kind === 'host' ? 'host JWT' : 'agent JWT';
}
