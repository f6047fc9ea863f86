import {
  generateEd25519KeyPair,
  mintAgentJwt,
  mintHostJwt,
  type AgentJwtOptions,
  type Ed25519KeyPair,
  type HostJwtOptions,
} from '../jose/index.ts';
import type { AgentMode, CapabilityRequestItem, DiscoveryDocument } from '../protocol/index.ts';
import type { ControlClient } from './control-client.ts';
import { defaultLocation, resolveEndpoint, type EndpointResolution } from './endpoints.ts';
import { describeExchange } from './exchange.ts';
import type { HttpResult, HttpSession } from './http-driver.ts';
import { Fail, NotApplicable, Skip } from './outcome.ts';
import { DECISION_POLL_DELAYS_MS, retryUntil } from './retry.ts';
import type { TargetClock } from './target-clock.ts';
import type { Workarounds } from './workarounds.ts';

/** What the harness knows about the target after the setup phase. */
export interface TargetInfo {
  issuer: string;
  discoveryUrl: string;
  discovery: DiscoveryDocument;
  /** Discovery endpoints that resolved to URLs, by key. */
  endpoints: Record<string, EndpointResolution>;
  /** Capability `location` values learned from describe during setup. */
  capabilityLocations: Record<string, string>;
}

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
  registration: any;
  /** The newest approval object the server handed out for this agent (registration, request-capability, reactivate). */
  approval?: any;
}

/** Enough to name an agent in host-authenticated calls (an AgentIdentity is one). */
export interface AgentRef {
  host: HostIdentity;
  agentId: string;
}

/** Who authenticates a capability list/describe request. */
export type Auth = 'none' | HostIdentity | AgentIdentity;

/** Overrides for a minted host JWT; `token` replaces minting entirely. */
export type HostTokenOptions = Partial<HostJwtOptions> & { token?: string };
/** Overrides for a minted agent JWT; `token` replaces minting entirely. */
export type AgentTokenOptions = Partial<AgentJwtOptions> & { token?: string };

export interface RegisterOptions {
  name?: string;
  host_name?: string;
  capabilities?: CapabilityRequestItem[];
  mode?: AgentMode;
  reason?: string;
  preferred_method?: string;
  login_hint?: string;
  binding_message?: string;
  /** Reuse an agent key (e.g. an idempotent retry); a fresh key otherwise. */
  agentKeys?: Ed25519KeyPair;
  /**
   * Register a JWKS-keyed agent: the host JWT carries `agent_jwks_url` and `agent_kid` (the agent
   * key's `kid`) instead of `agent_public_key` (§4.2).
   */
  agentJwksUrl?: string;
  /** Members merged over the request body last (undefined removes one). */
  body?: Record<string, unknown>;
}

export interface RegisterResult extends HttpResult {
  agentKeys: Ed25519KeyPair;
  /** Present when the server answered 2xx with an `agent_id`. */
  agent?: AgentIdentity;
}

export interface ApprovalHints {
  reason?: string;
  preferred_method?: string;
  login_hint?: string;
  binding_message?: string;
  body?: Record<string, unknown>;
}

export interface ExecuteOptions {
  /** JWT audience; defaults to the resolved location. */
  aud?: string;
  /** Where to send the request; defaults to the capability's location, else the default location. */
  location?: string;
  /** The JWT `capabilities` claim. */
  capabilities?: string[];
  tokenOpts?: AgentTokenOptions;
  /** Members merged over `{capability, arguments}` last (undefined removes one). */
  body?: Record<string, unknown>;
}

export interface RawOptions {
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  token?: string;
  label?: string;
}

export interface FixtureOptions extends RegisterOptions {
  /** Register under this host instead of a fresh one. */
  host?: HostIdentity;
}

const DEFAULT_HOST_NAME = 'agent-auth-conformance';
/** Delays between status polls after an operator approval; their sum stays around three seconds. */

/**
 * The harness playing a protocol client (hosts and agents) against the target. One per check:
 * every request it makes is recorded on that check.
 */
export class SimulatedClient {
  private hostCount = 0;
  private agentCount = 0;

  constructor(
    readonly http: HttpSession,
    readonly target: TargetInfo,
    readonly control: ControlClient | undefined,
    private readonly clock: TargetClock,
    /** Declared workarounds of the target profile (none: the client follows the spec). */
    private readonly workarounds: Workarounds = {},
  ) {}

  /** The target's current time in epoch seconds (follows control advance-clock). */
  now(): number {
    return this.clock.nowSeconds();
  }

  get issuer(): string {
    return this.target.issuer;
  }

  /** The URL of a discovery endpoint; NotApplicable when discovery does not advertise it. */
  endpointUrl(key: string): string {
    const resolution = this.target.endpoints[key];
    if (!resolution) throw new NotApplicable(`discovery advertises no usable "${key}" endpoint`);
    return resolution.url;
  }

  /** Where `capability` executes: its `location`, else `default_location`, else `{issuer}{endpoints.execute}`. */
  locationFor(capability: string): string {
    const location = this.target.capabilityLocations[capability] ?? defaultLocation(this.target.discovery);
    if (location === undefined) throw new NotApplicable('discovery gives no default_location and no execute endpoint');
    return location;
  }

  // ------------------------------------------------------------------ identities and tokens

  /**
   * A fresh host identity; with `jwksUrl` it is JWKS-keyed (publish its keys there, with a `kid`).
   * The key's `kid` is its thumbprint unless `kid` names another one, or is null for a key without.
   */
  async newHost(opts: { name?: string; kid?: string | null; jwksUrl?: string } = {}): Promise<HostIdentity> {
    this.hostCount += 1;
    const keys = opts.kid === undefined ? await newHostKeys() : await generateEd25519KeyPair(opts.kid === null ? {} : { kid: opts.kid });
    const host: HostIdentity = { kind: 'host', name: opts.name ?? `${DEFAULT_HOST_NAME} host ${this.hostCount}`, keys, previousKeys: [] };
    if (opts.jwksUrl !== undefined) host.jwksUrl = opts.jwksUrl;
    return host;
  }

  newAgentKeys(opts: { kid?: string } = {}): Promise<Ed25519KeyPair> {
    return generateEd25519KeyPair(opts.kid === undefined ? {} : { kid: opts.kid });
  }

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

  // ------------------------------------------------------------------ protocol calls

  fetchDiscovery(): Promise<HttpResult> {
    return this.http.send({ method: 'GET', url: this.target.discoveryUrl, label: 'discovery' });
  }

  async register(host: HostIdentity, opts: RegisterOptions = {}, tokenOpts: HostTokenOptions = {}): Promise<RegisterResult> {
    const agentKeys = opts.agentKeys ?? (await this.newAgentKeys());
    this.agentCount += 1;
    const body = withoutUndefined({
      name: opts.name ?? `conformance agent ${this.agentCount}`,
      host_name: opts.host_name ?? host.name,
      capabilities: opts.capabilities,
      mode: opts.mode,
      reason: opts.reason,
      preferred_method: opts.preferred_method,
      login_hint: opts.login_hint,
      binding_message: opts.binding_message,
      ...opts.body,
    });
    const agentKey =
      opts.agentJwksUrl === undefined
        ? { agentPublicKey: agentKeys.publicJwk }
        : { agentJwksUrl: opts.agentJwksUrl, agentKid: agentKeys.kid };
    const token = await this.hostToken(host, { ...agentKey, ...tokenOpts });
    const result = await this.http.send({
      method: 'POST',
      url: this.endpointUrl('register'),
      json: body,
      token,
      label: 'register',
    });
    const registered: RegisterResult = { ...result, agentKeys };
    const json = result.json;
    if (result.status >= 200 && result.status < 300 && typeof json?.agent_id === 'string') {
      if (typeof json.host_id === 'string') host.hostId = json.host_id;
      registered.agent = {
        kind: 'agent',
        host,
        agentId: json.agent_id,
        mode: json.mode === 'autonomous' || json.mode === 'delegated' ? json.mode : (opts.mode ?? 'delegated'),
        keys: agentKeys,
        previousKeys: [],
        registration: json,
      };
    }
    return registered;
  }

  async status(agent: AgentRef, tokenOpts: HostTokenOptions = {}): Promise<HttpResult> {
    const url = `${this.endpointUrl('status')}?agent_id=${encodeURIComponent(agent.agentId)}`;
    return this.http.send({ method: 'GET', url, token: await this.hostToken(agent.host, tokenOpts), label: 'status' });
  }

  async reactivate(agent: AgentRef, tokenOpts: HostTokenOptions = {}): Promise<HttpResult> {
    const result = await this.hostPost('reactivate', agent.host, { agent_id: agent.agentId }, tokenOpts);
    rememberApproval(agent, result);
    return result;
  }

  async revoke(agent: AgentRef, tokenOpts: HostTokenOptions = {}): Promise<HttpResult> {
    return this.hostPost('revoke', agent.host, { agent_id: agent.agentId }, tokenOpts);
  }

  /** Rotates the agent key; on 2xx the identity switches to the new key (the old one goes to previousKeys). */
  async rotateAgentKey(
    agent: AgentIdentity,
    opts: { newKeys?: Ed25519KeyPair; body?: Record<string, unknown>; tokenOpts?: HostTokenOptions } = {},
  ): Promise<HttpResult & { newKeys: Ed25519KeyPair }> {
    const newKeys = opts.newKeys ?? (await this.newAgentKeys());
    const body = withoutUndefined({ agent_id: agent.agentId, public_key: newKeys.publicJwk, ...opts.body });
    const result = await this.hostPost('rotate_key', agent.host, body, opts.tokenOpts ?? {});
    if (result.status >= 200 && result.status < 300) {
      agent.previousKeys.push(agent.keys);
      agent.keys = newKeys;
    }
    return { ...result, newKeys };
  }

  /** Rotates the host key (JWT signed with the current key); on 2xx the identity switches to the new key. */
  async rotateHostKey(
    host: HostIdentity,
    opts: { newKeys?: Ed25519KeyPair; body?: Record<string, unknown>; tokenOpts?: HostTokenOptions } = {},
  ): Promise<HttpResult & { newKeys: Ed25519KeyPair }> {
    const newKeys = opts.newKeys ?? (await newHostKeys());
    const body = withoutUndefined({ public_key: newKeys.publicJwk, ...opts.body });
    const result = await this.hostPost('rotate_host_key', host, body, opts.tokenOpts ?? {});
    if (result.status >= 200 && result.status < 300) {
      host.previousKeys.push(host.keys);
      host.keys = newKeys;
    }
    return { ...result, newKeys };
  }

  async revokeHost(host: HostIdentity, tokenOpts: HostTokenOptions = {}): Promise<HttpResult> {
    return this.http.send({
      method: 'POST',
      url: this.endpointUrl('revoke_host'),
      token: await this.hostToken(host, tokenOpts),
      label: 'revoke host',
    });
  }

  async requestCapability(
    agent: AgentIdentity,
    capabilities: CapabilityRequestItem[],
    hints: ApprovalHints = {},
    tokenOpts: AgentTokenOptions = {},
  ): Promise<HttpResult> {
    const { body: extra, ...rest } = hints;
    const body = withoutUndefined({ capabilities, ...rest, ...extra });
    const result = await this.http.send({
      method: 'POST',
      url: this.endpointUrl('request_capability'),
      json: body,
      token: await this.agentToken(agent, tokenOpts),
      label: 'request capability',
    });
    rememberApproval(agent, result);
    return result;
  }

  /** Executes at the resolved location with an agent JWT whose aud is that location (§2.15, §4.3). */
  async execute(
    agent: AgentIdentity,
    capability: string,
    args?: Record<string, unknown>,
    opts: ExecuteOptions = {},
  ): Promise<HttpResult> {
    const location = opts.location ?? this.locationFor(capability);
    const tokenOpts: AgentTokenOptions = { aud: opts.aud ?? location, ...opts.tokenOpts };
    if (opts.capabilities !== undefined) tokenOpts.capabilities = opts.capabilities;
    const body = withoutUndefined({ capability, arguments: args, ...opts.body });
    return this.http.send({
      method: 'POST',
      url: location,
      json: body,
      token: await this.agentToken(agent, tokenOpts),
      label: `execute ${capability}`,
    });
  }

  /**
   * Polls an async `status_url` with a fresh agent JWT (§5.11). The spec names no audience for polls;
   * the default is the issuer, as for other requests to the authorization server (§4.3).
   */
  async poll(agent: AgentIdentity, statusUrl: string, opts: { aud?: string; tokenOpts?: AgentTokenOptions } = {}): Promise<HttpResult> {
    const aud = opts.aud ?? this.issuer;
    return this.http.send({
      method: 'GET',
      url: statusUrl,
      token: await this.agentToken(agent, { aud, ...opts.tokenOpts }),
      label: 'poll status_url',
    });
  }

  async listCapabilities(
    auth: Auth = 'none',
    query: { query?: string; cursor?: string; limit?: number } = {},
    tokenOpts: HostTokenOptions & AgentTokenOptions = {},
  ): Promise<HttpResult> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.size > 0 ? `?${params}` : '';
    return this.http.send({
      method: 'GET',
      url: `${this.endpointUrl('capabilities')}${search}`,
      token: await this.tokenFor(auth, tokenOpts),
      label: `list capabilities (${authLabel(auth)})`,
    });
  }

  async describeCapability(name: string, auth: Auth = 'none', tokenOpts: HostTokenOptions & AgentTokenOptions = {}): Promise<HttpResult> {
    return this.http.send({
      method: 'GET',
      url: `${this.endpointUrl('describe_capability')}?name=${encodeURIComponent(name)}`,
      token: await this.tokenFor(auth, tokenOpts),
      label: `describe ${name} (${authLabel(auth)})`,
    });
  }

  introspect(token: string, opts: { body?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const request = {
      method: 'POST',
      url: this.endpointUrl('introspect'),
      json: withoutUndefined({ token, ...opts.body }),
      label: 'introspect',
    };
    return this.http.send(opts.headers ? { ...request, headers: opts.headers } : request);
  }

  /** A hand-crafted request; `url` is absolute or a path appended to the issuer. */
  raw(method: string, url: string, opts: RawOptions = {}): Promise<HttpResult> {
    const absolute = url.startsWith('/') ? resolveEndpoint(this.issuer, url)?.url ?? url : url;
    return this.http.send({ method, url: absolute, ...opts, label: opts.label ?? `raw ${method}` });
  }

  // ------------------------------------------------------------------ fixtures

  /**
   * An active agent: registers (under a fresh host unless one is given) and, if the registration is
   * pending, approves it through the control hook and polls status until it is active.
   * Skips when approval is needed but the target offers no `approve` hook.
   */
  async activeAgent(opts: FixtureOptions = {}): Promise<AgentIdentity> {
    const { host: givenHost, ...registerOpts } = opts;
    const host = givenHost ?? (await this.newHost());
    const registration = await this.register(host, registerOpts);
    const agent = this.requireRegistered(registration);
    if (registration.json?.status === 'active') return agent;
    if (registration.json?.status !== 'pending') {
      throw new Fail(`precondition: registration answered status ${JSON.stringify(registration.json?.status)}, expected "active" or "pending"`);
    }
    await this.approve(agent);
    return agent;
  }

  /** A pending agent (a fresh host's registration awaits approval); skips if the server activates it at once. */
  async pendingAgent(opts: FixtureOptions = {}): Promise<AgentIdentity> {
    const { host: givenHost, ...registerOpts } = opts;
    const host = givenHost ?? (await this.newHost());
    const registration = await this.register(host, registerOpts);
    const agent = this.requireRegistered(registration);
    if (registration.json?.status !== 'pending') {
      throw new Skip(`could not obtain a pending agent: registration answered status ${JSON.stringify(registration.json?.status)}`);
    }
    return agent;
  }

  /** A host linked to a user, by approving a delegated registration through the control hook (§2.9). */
  async linkedHost(opts: Omit<FixtureOptions, 'host' | 'mode'> = {}): Promise<{ host: HostIdentity; agent: AgentIdentity }> {
    const host = await this.newHost();
    const agent = await this.activeAgent({ ...opts, host, mode: 'delegated' });
    return { host, agent };
  }

  /** Approves a pending agent through the control hook and waits until status reports it active. */
  async approve(agent: AgentIdentity, capabilities?: string[]): Promise<void> {
    if (!this.control?.supports('approve')) {
      throw new Skip('server offers no control hook to approve pending registrations');
    }
    const userCode: unknown = (agent.approval ?? agent.registration?.approval)?.user_code;
    await this.control.approve({
      agent_id: agent.agentId,
      capabilities,
      user_code: typeof userCode === 'string' ? userCode : undefined,
    });
    const last = await this.awaitAgentStatus(agent, 'active');
    if (last.json?.status !== 'active') {
      throw new Fail(`precondition: agent still not active after operator approval (last status: ${describeExchange(last.exchange)} ${JSON.stringify(last.json?.status)})`);
    }
  }

  /** Polls GET status until the agent's status is one of `wanted` (a few seconds at most); returns the last answer. */
  async awaitAgentStatus(agent: AgentRef, wanted: string | string[]): Promise<HttpResult> {
    const targets = Array.isArray(wanted) ? wanted : [wanted];
    return retryUntil(
      () => this.status(agent),
      (last) => targets.includes(last.json?.status),
      DECISION_POLL_DELAYS_MS,
      (last) => last.error !== undefined,
    );
  }

  // ------------------------------------------------------------------ internals

  private requireRegistered(registration: RegisterResult): AgentIdentity {
    if (!registration.agent) {
      throw new Fail(`precondition: registration did not create an agent: ${describeExchange(registration.exchange)} ${registration.body.slice(0, 300)}`);
    }
    return registration.agent;
  }

  private async hostPost(endpoint: string, host: HostIdentity, body: Record<string, unknown>, tokenOpts: HostTokenOptions): Promise<HttpResult> {
    return this.http.send({
      method: 'POST',
      url: this.endpointUrl(endpoint),
      json: body,
      token: await this.hostToken(host, tokenOpts),
      label: endpoint.replaceAll('_', ' '),
    });
  }

  private async tokenFor(auth: Auth, tokenOpts: HostTokenOptions & AgentTokenOptions): Promise<string | undefined> {
    if (auth === 'none') return tokenOpts.token;
    return auth.kind === 'host' ? this.hostToken(auth, tokenOpts) : this.agentToken(auth, tokenOpts);
  }
}

/**
 * A host key pair whose `kid` is its own thumbprint, as common clients publish it. The thumbprint
 * (and so `iss`) does not depend on `kid`; checks that need a key without one ask for it.
 */
async function newHostKeys(): Promise<Ed25519KeyPair> {
  const pair = await generateEd25519KeyPair();
  const kid = pair.thumbprint;
  return { ...pair, kid, publicJwk: { ...pair.publicJwk, kid }, privateJwk: { ...pair.privateJwk, kid } };
}

function authLabel(auth: Auth): string {
  return auth === 'none' ? 'no auth' : auth.kind === 'host' ? 'host JWT' : 'agent JWT';
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Keeps the newest approval object an answer carries, so operator approval can quote its user code. */
function rememberApproval(agent: AgentRef, result: HttpResult): void {
  const approval: unknown = result.json?.approval;
  if ('kind' in agent && typeof approval === 'object' && approval !== null) (agent as AgentIdentity).approval = approval;
}
