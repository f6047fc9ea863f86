import { mintAgentJwt, mintHostJwt, randomJti, type Ed25519KeyPair, type Ed25519PublicJwk } from '../jose/index.ts';
import { LIMITS } from './config.ts';
import type { ClientFaultSet } from './faults.ts';
import type { Connection } from './state.ts';
import { nowSeconds } from './timing.ts';

export interface AgentToken {
  token: string;
  iat: number;
  exp: number;
}

/**
 * Signs every JWT the client sends. Host JWTs (§4.2): typ host+jwt, EdDSA, iss = RFC 7638 thumbprint
 * of the host key, aud = the issuer, 60 s, fresh jti, the host key inline. Agent JWTs (§4.3): typ
 * agent+jwt, iss = the same thumbprint, sub = the agent id, aud as the caller resolved it, 60 s, a
 * fresh jti on every token (one token per request, RUL-JTI-CONCURRENT).
 */
export class TokenMinter {
  /** The jti every agent token reuses under the agent-jwt-reuses-jti fault, per agent. */
  private readonly reusedJti = new Map<string, string>();
  /** The made-up iss of host JWTs under the host-jwt-iss-not-thumbprint fault. */
  private readonly randomHostIss = `host-${randomJti()}`;

  constructor(
    readonly host: Ed25519KeyPair,
    private readonly faults: ClientFaultSet,
  ) {}

  /**
   * A host JWT for `issuer`. `agentKey` is the agent's key on registration (its public half only:
   * a private key never leaves the client, §4.1). `url` is where the token goes.
   */
  hostJwt(issuer: string, opts: { url: string; agentKey?: Ed25519KeyPair }): Promise<string> {
    const f = this.faults;
    const agentPublicKey: Ed25519PublicJwk | undefined =
      opts.agentKey === undefined
        ? undefined
        : f.has('private-key-in-request')
          ? (opts.agentKey.privateJwk as unknown as Ed25519PublicJwk)
          : { ...opts.agentKey.publicJwk };
    return mintHostJwt({
      host: this.host,
      aud: f.has('host-jwt-aud-not-issuer') ? opts.url : issuer,
      now: nowSeconds(),
      lifetimeSeconds: LIMITS.jwtLifetimeSeconds,
      ...(f.has('host-jwt-wrong-typ') && { typ: 'JWT' }),
      ...(f.has('host-jwt-iss-not-thumbprint') && { iss: this.randomHostIss }),
      ...(f.has('jwt-without-jti') && { omitClaims: ['jti'] }),
      ...(agentPublicKey !== undefined && { agentPublicKey }),
    });
  }

  /** An agent JWT for `connection` with audience `aud`, restricted to `capabilities` when given. */
  async agentJwt(connection: Connection, aud: string, capabilities?: string[]): Promise<AgentToken> {
    const f = this.faults;
    if (connection.keys === undefined) throw new Error(`no key is held for agent ${connection.agentId}`);
    const iat = nowSeconds();
    const exp = iat + (f.has('agent-jwt-long-lifetime') ? 3600 : LIMITS.jwtLifetimeSeconds);
    let jti: string | undefined = randomJti();
    if (f.has('agent-jwt-reuses-jti')) {
      jti = this.reusedJti.get(connection.agentId) ?? jti;
      this.reusedJti.set(connection.agentId, jti);
    }
    const token = await mintAgentJwt({
      agent: connection.keys,
      hostIss:
        f.has('agent-jwt-iss-host-id') && connection.hostId !== undefined ? connection.hostId : this.host.thumbprint,
      agentId: connection.agentId,
      aud,
      iat,
      exp,
      jti,
      ...(capabilities !== undefined && { capabilities }),
      ...(f.has('agent-jwt-wrong-typ') && { typ: 'JWT' }),
      ...(f.has('jwt-without-jti') && { omitClaims: ['jti'] }),
    });
    return { token, iat, exp };
  }
}
