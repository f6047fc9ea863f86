import type { Ed25519KeyPair } from '../../jose/index.ts';
import type { AgentMode, CapabilityRequestItem } from '../../protocol/index.ts';
import { resolveEndpoint } from '../endpoints.ts';
import type { HttpResult } from '../http-driver.ts';
import {
  authLabel,
  newHostKeys,
  type AgentIdentity,
  type AgentRef,
  type Auth,
  type HostIdentity,
} from './identities.ts';
import { CreatedAtTarget } from './created.ts';
import { ClientTokens, type AgentTokenOptions, type HostTokenOptions } from './tokens.ts';

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

/** One method per protocol request (§5), signed by the identity it names and recorded on the check. */
export class ProtocolCalls extends ClientTokens {
  /** Hosts and agents this client registered, for the runner's cleanup. */
  readonly created = new CreatedAtTarget();

  private agentCount = 0;

  fetchDiscovery(): Promise<HttpResult> {
    return this.http.send({ method: 'GET', url: this.target.discoveryUrl, label: 'discovery' });
  }

  async register(
    host: HostIdentity,
    opts: RegisterOptions = {},
    tokenOpts: HostTokenOptions = {},
  ): Promise<RegisterResult> {
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
      this.created.add(host, json.agent_id);
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
  async poll(
    agent: AgentIdentity,
    statusUrl: string,
    opts: { aud?: string; tokenOpts?: AgentTokenOptions } = {},
  ): Promise<HttpResult> {
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

  async describeCapability(
    name: string,
    auth: Auth = 'none',
    tokenOpts: HostTokenOptions & AgentTokenOptions = {},
  ): Promise<HttpResult> {
    return this.http.send({
      method: 'GET',
      url: `${this.endpointUrl('describe_capability')}?name=${encodeURIComponent(name)}`,
      token: await this.tokenFor(auth, tokenOpts),
      label: `describe ${name} (${authLabel(auth)})`,
    });
  }

  introspect(
    token: string,
    opts: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
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
    const absolute = url.startsWith('/') ? (resolveEndpoint(this.issuer, url)?.url ?? url) : url;
    return this.http.send({ method, url: absolute, ...opts, label: opts.label ?? `raw ${method}` });
  }

  private async hostPost(
    endpoint: string,
    host: HostIdentity,
    body: Record<string, unknown>,
    tokenOpts: HostTokenOptions,
  ): Promise<HttpResult> {
    return this.http.send({
      method: 'POST',
      url: this.endpointUrl(endpoint),
      json: body,
      token: await this.hostToken(host, tokenOpts),
      label: endpoint.replaceAll('_', ' '),
    });
  }
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Keeps the newest approval object an answer carries, so operator approval can quote its user code. */
function rememberApproval(agent: AgentRef, result: HttpResult): void {
  const approval: unknown = result.json?.approval;
  if ('kind' in agent && typeof approval === 'object' && approval !== null)
    (agent as AgentIdentity).approval = approval;
}
