import {
  missingRoleReason,
  argumentsFor,
  describeAnswer,
  describeExchange,
  type AgentIdentity,
  type AgentTokenOptions,
  type CheckContext,
  type CheckNeed,
  type HostIdentity,
  type HostTokenOptions,
  type HttpResult,
} from '../../../src/harness/api.ts';

/**
 * One endpoint and one identity, ready to receive crafted tokens: checks mint a token with the
 * endpoint's defaults (audience, agent key claims) and any knob overridden, then send it.
 */
export interface TokenProbe<Options> {
  /** The request, as named in messages (`POST register`). */
  readonly what: string;
  /** The target's current time in epoch seconds, for crafting iat and exp. */
  now(): number;
  mint(opts?: Options): Promise<string>;
  send(token: string): Promise<HttpResult>;
  /** Whether the answer shows that the server took the token as valid. */
  accepted(result: HttpResult): boolean;
}

export type HostProbe = TokenProbe<HostTokenOptions>;

export interface AgentProbe extends TokenProbe<AgentTokenOptions> {
  readonly agent: AgentIdentity;
  /** Another active agent set up like `agent`, under a fresh host. */
  newAgent(): Promise<AgentIdentity>;
  /** Mints a token of `agent` with this endpoint's defaults. */
  mintFor(agent: AgentIdentity, opts?: AgentTokenOptions): Promise<string>;
  /** The `iss` minted tokens name for `host` (the thumbprint unless the profile declares an issuer workaround). */
  agentIssuer(host: HostIdentity): string;
}

export interface ProbeEndpoint<Probe> {
  /** Id segment: `server.jwt.<kind>.<key>.<case>`. */
  readonly key: string;
  readonly what: string;
  readonly needs: CheckNeed[];
  open(t: CheckContext): Promise<Probe>;
}

const APPROVE: CheckNeed = { control: 'approve' };

/** Registration by a host the server has never seen: the JWT carries the host key inline (§4.5.1 step 4). */
export const registerEndpoint: ProbeEndpoint<HostProbe> = {
  key: 'register',
  what: 'POST register',
  needs: [],
  async open(t) {
    const host = await t.client.newHost();
    const agentKeys = await t.client.newAgentKeys();
    return {
      what: 'POST register',
      now: () => t.client.now(),
      mint: (opts = {}) => t.client.hostToken(host, { agentPublicKey: agentKeys.publicJwk, ...opts }),
      send: (token) => t.client.register(host, { agentKeys }, { token }),
      accepted: isSuccess,
    };
  },
};

/** Status of an agent of an approved host: the server verifies against the stored host key. */
export const statusEndpoint: ProbeEndpoint<HostProbe> = {
  key: 'status',
  what: 'GET status',
  needs: [APPROVE],
  async open(t) {
    const agent = await t.client.activeAgent();
    return {
      what: 'GET status',
      now: () => t.client.now(),
      mint: (opts = {}) => t.client.hostToken(agent.host, opts),
      send: (token) => t.client.status(agent, { token }),
      accepted: (result) => result.status === 200,
    };
  },
};

/** Execution of the sync capability at its resolved location, with aud = that location (§4.3). */
export const executeEndpoint: ProbeEndpoint<AgentProbe> = {
  key: 'execute',
  what: 'POST execute',
  needs: [APPROVE, { capability: 'sync' }],
  async open(t) {
    const capability = t.capability('sync');
    const newAgent = () => t.client.activeAgent({ capabilities: [capability] });
    const agent = await newAgent();
    const location = t.client.locationFor(capability);
    const args = argumentsFor(t.profile, capability);
    const mintFor = (subject: AgentIdentity, opts: AgentTokenOptions = {}) =>
      t.client.agentToken(subject, { aud: location, ...opts });
    return withPositiveControl(t, {
      what: `POST execute ${capability}`,
      now: () => t.client.now(),
      agent,
      newAgent,
      mintFor,
      agentIssuer: (host) => t.client.agentIssuer(host),
      mint: (opts) => mintFor(agent, opts),
      send: (token) => t.client.execute(agent, capability, args, { tokenOpts: { token } }),
      accepted: isSuccess,
    });
  },
};

/** A capability request to the authorization server, with aud = issuer (§4.3). */
export const requestCapabilityEndpoint: ProbeEndpoint<AgentProbe> = {
  key: 'request-capability',
  what: 'POST request-capability',
  needs: [APPROVE],
  async open(t) {
    const wanted = requestableCapability(t);
    const newAgent = () => t.client.activeAgent();
    const agent = await newAgent();
    const mintFor = (subject: AgentIdentity, opts: AgentTokenOptions = {}) => t.client.agentToken(subject, opts);
    return withPositiveControl(t, {
      what: `POST request-capability ${wanted}`,
      now: () => t.client.now(),
      agent,
      newAgent,
      mintFor,
      agentIssuer: (host) => t.client.agentIssuer(host),
      mint: (opts) => mintFor(agent, opts),
      send: (token) => t.client.requestCapability(agent, [wanted], {}, { token }),
      // 409 already_granted also means the token was verified (e.g. host defaults cover the name).
      accepted: (result) => isSuccess(result) || (result.status === 409 && result.json?.error === 'already_granted'),
    });
  },
};

/** Which kind of token a probe family sends, for check ids and messages. */
export interface TokenKind {
  /** `host` or `agent`, the id segment. */
  kind: 'host' | 'agent';
  /** "host JWT" / "agent JWT". */
  token: string;
  /** The token with its indefinite article. */
  aToken: string;
}

export const HOST_TOKEN: TokenKind = { kind: 'host', token: 'host JWT', aToken: 'a host JWT' };
export const AGENT_TOKEN: TokenKind = { kind: 'agent', token: 'agent JWT', aToken: 'an agent JWT' };

/** How the server answered a probe, in a message: the status and error code, or the transport failure. */
export function probeAnswer(result: HttpResult): string {
  if (result.error) return describeExchange(result.exchange);
  const code = typeof result.json?.error === 'string' ? ` ${result.json.error}` : '';
  return `HTTP ${result.status}${code}`;
}

/** The endpoints the host-JWT checks probe: a never-seen host's registration, and an approved host's status. */
export const HOST_ENDPOINTS = [registerEndpoint, statusEndpoint];
/** The endpoints the agent-JWT checks probe: execution, and a capability request. */
export const AGENT_ENDPOINTS = [executeEndpoint, requestCapabilityEndpoint];

/**
 * Sends one well-formed token of the probe's agent first and fails unless it is accepted: a server
 * that refuses every agent JWT would otherwise pass each check that expects a defective one refused.
 */
async function withPositiveControl(t: CheckContext, probe: AgentProbe): Promise<AgentProbe> {
  const result = await probe.send(await probe.mint());
  if (!probe.accepted(result)) {
    t.fail(
      `precondition: ${probe.what} with a well-formed agent JWT was not accepted (${describeAnswer(result)}), so refusals of defective tokens would prove nothing`,
    );
  }
  return probe;
}

/** A capability of the target worth requesting: any the profile names. */
function requestableCapability(t: CheckContext): string {
  const { profile } = t;
  const name =
    profile.second ??
    profile.sync ??
    profile['with-input'] ??
    profile.constrainable?.name ??
    profile.async ??
    profile.stream;
  return name ?? t.notApplicable(missingRoleReason('sync'));
}

/** Whether the server took the request: a 2xx answer, no transport failure. */
export function isSuccess(result: HttpResult): boolean {
  return !result.error && result.status >= 200 && result.status < 300;
}

/**
 * Fails unless the server refused the token with 401 invalid_jwt in the §5.13 error shape. An
 * accepted token gets its own message, since that is a different failure from a wrong error code.
 */
export function expectInvalidJwt(
  t: CheckContext,
  result: HttpResult,
  what: string,
  cite: string,
  accepted: (result: HttpResult) => boolean = isSuccess,
): void {
  if (accepted(result)) {
    t.fail(
      `${what}: the token was accepted (HTTP ${result.status}${typeof result.json?.error === 'string' ? ` ${result.json.error}` : ''}); expected 401 invalid_jwt (${cite}, §5.13)`,
    );
  }
  t.expectError(result, 401, 'invalid_jwt', `${what} (${cite}, §5.13)`);
}
