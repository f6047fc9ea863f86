import { mintAgentJwt, mintHostJwt, type AgentJwtOptions, type HostJwtOptions } from '../../jose/index.ts';
import { ClientIdentities, type AgentIdentity, type Auth, type HostIdentity } from './identities.ts';

/** Overrides for a minted host JWT; `token` replaces minting entirely. */
export type HostTokenOptions = Partial<HostJwtOptions> & { token?: string };
/** Overrides for a minted agent JWT; `token` replaces minting entirely. */
export type AgentTokenOptions = Partial<AgentJwtOptions> & { token?: string };

/** Mints the host and agent JWTs the harness's identities sign their requests with. */
export class ClientTokens extends ClientIdentities {
  /**
   * A host JWT for `host` (aud = issuer, 60 s lifetime, fresh jti; `host_jwks_url` instead of the
   * inline key for a JWKS-keyed host) with any knob overridden.
   */
  hostToken(host: HostIdentity, opts: HostTokenOptions = {}): Promise<string> {
    const { token, ...overrides } = opts;
    if (token !== undefined) return Promise.resolve(token);
    const keySource = host.jwksUrl === undefined ? {} : { hostJwksUrl: host.jwksUrl };
    return mintHostJwt({ host: host.keys, aud: this.issuer, now: this.now(), ...keySource, ...overrides });
  }

  /**
   * The `iss` of agent JWTs for `host`'s agents: the thumbprint of the host's current key (§4.3), or,
   * under the declared workaround `agentJwtIssuer: "host-id"`, the `host_id` the server answered at
   * registration (the thumbprint while none is known). Checks testing `iss` itself pass `hostIss`.
   */
  agentIssuer(host: HostIdentity): string {
    if (this.workarounds.agentJwtIssuer === 'host-id' && host.hostId !== undefined) return host.hostId;
    return host.keys.thumbprint;
  }

  /** An agent JWT for `agent` (iss = agentIssuer(host), sub = agent id, aud = issuer) with any knob overridden. */
  agentToken(agent: AgentIdentity, opts: AgentTokenOptions = {}): Promise<string> {
    const { token, ...overrides } = opts;
    if (token !== undefined) return Promise.resolve(token);
    return mintAgentJwt({
      agent: agent.keys,
      hostIss: this.agentIssuer(agent.host),
      agentId: agent.agentId,
      aud: this.issuer,
      now: this.now(),
      ...overrides,
    });
  }

  /** The bearer token for `auth`: none, a host JWT or an agent JWT. */
  protected async tokenFor(auth: Auth, tokenOpts: HostTokenOptions & AgentTokenOptions): Promise<string | undefined> {
    if (auth === 'none') return tokenOpts.token;
    return auth.kind === 'host' ? this.hostToken(auth, tokenOpts) : this.agentToken(auth, tokenOpts);
  }
}
