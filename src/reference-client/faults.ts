/**
 * Fault injection for the reference client: each fault makes the client break exactly one client
 * requirement (a MUST unless the description says SHOULD) and behave correctly everywhere else, so a
 * client-certifying run against the faulty client proves the suite notices that breach. Faults are
 * switched on per process (`--fault <name>`, repeatable).
 */
export interface ClientFaultDefinition {
  readonly name: string;
  /** Catalogue ids (`AAP-<section>-<suffix>`) of the requirements the fault violates. */
  readonly requirements: readonly string[];
  readonly description: string;
}

const FAULT_LIST = [
  // Host and agent JWTs (§4.2, §4.3, §4.6, §8.2, §8.18)
  {
    name: 'host-jwt-wrong-typ',
    requirements: ['AAP-4.2-01'],
    description: 'Host JWTs carry the header typ "JWT" instead of "host+jwt".',
  },
  {
    name: 'agent-jwt-wrong-typ',
    requirements: ['AAP-4.3-01'],
    description: 'Agent JWTs carry the header typ "JWT" instead of "agent+jwt".',
  },
  {
    name: 'host-jwt-iss-not-thumbprint',
    requirements: ['AAP-4.2-11', 'AAP-6.4-STEP3'],
    description: 'Host JWTs name a random host id as iss instead of the RFC 7638 thumbprint of the signing key.',
  },
  {
    name: 'host-jwt-aud-not-issuer',
    requirements: ['AAP-4.2-12', 'AAP-8.18-02'],
    description: "Host JWTs carry the URL of the endpoint they are sent to as aud instead of the server's issuer.",
  },
  {
    name: 'agent-jwt-iss-host-id',
    requirements: ['AAP-4.3-08'],
    description: 'Agent JWTs carry the host_id from the registration answer as iss instead of the host key thumbprint.',
  },
  {
    name: 'jwt-without-jti',
    requirements: ['AAP-4.6-01', 'AAP-11-CLAIM.jti'],
    description: 'Host and agent JWTs are minted without a jti claim.',
  },
  {
    name: 'agent-jwt-reuses-jti',
    requirements: ['AAP-11-CLAIM.jti'],
    description: 'Every agent JWT of one agent carries the same jti (fresh iat and exp, so only the jti repeats).',
  },
  {
    name: 'agent-jwt-long-lifetime',
    requirements: ['AAP-4.3-02', 'AAP-8.2-01'],
    description: 'SHOULD: agent JWTs are valid for an hour instead of at most 60 seconds.',
  },
  {
    name: 'non-execution-aud-default-location',
    requirements: ['AAP-4.3-05'],
    description:
      'Agent JWTs for listing, describing and requesting capabilities carry default_location as aud instead of the issuer.',
  },
  {
    name: 'agent-aud-ignores-location',
    requirements: ['AAP-4.3-04'],
    description:
      "Execution at a capability's own location is signed with default_location as aud instead of that location.",
  },
  {
    name: 'ignores-capability-location',
    requirements: ['AAP-6.10-01', 'AAP-4.3-04'],
    description:
      'Every capability is executed at default_location (with that aud), even one that names its own location.',
  },
  {
    name: 'default-location-is-issuer',
    requirements: ['AAP-5.1-06'],
    description:
      'When discovery has no default_location, the issuer itself is used instead of issuer + endpoints.execute.',
  },
  {
    name: 'status-with-agent-jwt',
    requirements: ['AAP-6.9-STEP2'],
    description: 'agent_status authenticates GET /agent/status with the agent JWT instead of a host JWT.',
  },
  {
    name: 'reactivate-with-agent-jwt',
    requirements: ['AAP-6.8-STEP2'],
    description: 'reactivate_agent authenticates POST /agent/reactivate with the agent JWT instead of a host JWT.',
  },
  // Keys (§4.1, §6.4, §8.1)
  {
    name: 'private-key-in-request',
    requirements: ['AAP-4.1-01', 'AAP-8.1-01'],
    description: 'The agent_public_key claim of the registration host JWT carries the private member d.',
  },
  {
    name: 'reuses-agent-key',
    requirements: ['AAP-6.4-STEP2', 'AAP-5.3-14'],
    description: 'connect_agent registers every agent with one and the same agent keypair.',
  },
  {
    name: 'forwards-token-on-cross-origin-redirect',
    requirements: ['AAP-8.18-03'],
    description: 'Authenticated requests follow redirects to other origins, presenting the same JWT to another server.',
  },
  // Forwarded fields (§6.4, §6.6, §2.14)
  {
    name: 'drops-name',
    requirements: ['AAP-6.4-FIELD.name'],
    description: 'The agent name given to connect_agent is replaced by a generated one in the registration.',
  },
  {
    name: 'drops-capability-constraints',
    requirements: ['AAP-6.4-FIELD.capabilities'],
    description: 'Capability objects given to connect_agent are registered as bare names, losing their constraints.',
  },
  {
    name: 'drops-mode',
    requirements: ['AAP-6.4-FIELD.mode'],
    description: 'The mode given to connect_agent is not sent in the registration.',
  },
  {
    name: 'drops-reason',
    requirements: ['AAP-6.4-FIELD.reason'],
    description: 'The reason given to connect_agent is not sent in the registration.',
  },
  {
    name: 'drops-preferred-method',
    requirements: ['AAP-6.4-FIELD.preferred_method'],
    description: 'The preferred_method given to connect_agent is not sent in the registration.',
  },
  {
    name: 'drops-login-hint',
    requirements: ['AAP-6.4-FIELD.login_hint'],
    description: 'The login_hint given to connect_agent is not sent in the registration.',
  },
  {
    name: 'drops-binding-message',
    requirements: ['AAP-6.4-FIELD.binding_message'],
    description: 'The binding_message given to connect_agent is not sent in the registration.',
  },
  {
    name: 'escalation-drops-login-hint',
    requirements: ['AAP-6.6-FIELD.login_hint'],
    description: 'The login_hint given to request_capability is not sent in the capability request.',
  },
  {
    name: 'normalises-capability-names',
    requirements: ['AAP-2.14-01', 'AAP-8.15-01'],
    description: 'Capability names are lower-cased and "-", "." and spaces turned into "_" before they are sent.',
  },
  {
    name: 'swallows-invalid-capabilities',
    requirements: ['AAP-6.4-STEP7'],
    description:
      'An invalid_capabilities answer to connect_agent is reported as a generic failure that names no capability.',
  },
  // Discovery and caching (§5, §5.1, §10.5, §10.6, §8.12)
  {
    name: 'ignores-unsupported-version',
    requirements: ['AAP-5.1.1-03'],
    description: 'A discovery document with an unsupported major version is used as if it were 1.x.',
  },
  {
    name: 'caches-discovery-forever',
    requirements: ['AAP-5.1-12', 'AAP-10.5-04'],
    description: 'The discovery document is kept for the life of the process, whatever Cache-Control says.',
  },
  {
    name: 'endpoint-resolution-drops-issuer-path',
    requirements: ['AAP-5-01'],
    description: 'Endpoint paths are resolved with new URL(path, issuer), dropping any path the issuer has.',
  },
  {
    name: 'accepts-http-discovery',
    requirements: ['AAP-8.12-07'],
    description:
      'SHOULD: discovery documents are fetched over plain http from any host, not only loopback under the test allowance.',
  },
  {
    name: 'accepts-untrusted-tls',
    requirements: ['AAP-8.9-05'],
    description:
      'TLS certificates are not verified (discovery included), so an untrusted server certificate is accepted.',
  },
  {
    name: 'follows-many-redirects',
    requirements: ['AAP-8.12-10'],
    description: 'SHOULD: up to 20 redirects are followed instead of at most 3.',
  },
  {
    name: 'capability-cache-ignores-identity',
    requirements: ['AAP-10.6-04'],
    description:
      'Capability list and describe answers are cached by URL only, so one identity sees what another was answered.',
  },
  {
    name: 'keeps-stale-capabilities',
    requirements: ['AAP-10.6-05'],
    description:
      'After capability_not_found or invalid_request on execution the cached capability data is kept and not re-fetched.',
  },
  // Approval (§5.3, §6.4, §6.6, §7, §8.12, §2.13)
  {
    name: 'polls-faster-than-interval',
    requirements: ['AAP-5.3-21', 'AAP-7.1-STEP4'],
    description: "Approval status is polled every 200 ms whatever the approval's interval.",
  },
  {
    name: 'ignores-slow-down',
    requirements: ['AAP-7.1-STEP4'],
    description: 'A slow_down answer to an approval status poll does not lengthen the polling interval by 5 seconds.',
  },
  {
    name: 'keeps-polling-after-denial',
    requirements: ['AAP-7.1-STEP4', 'AAP-6.4-STEP6'],
    description:
      'Approval status polling goes on after the agent was rejected, until the approval expires or the wait ends.',
  },
  {
    name: 're-registers-after-denial',
    requirements: ['AAP-7.1-05'],
    description: 'A rejected registration is retried once on its own with a new agent key.',
  },
  {
    name: 'polls-past-expiry',
    requirements: ['AAP-5.3-21', 'AAP-7.1-STEP4'],
    description: "The approval's expires_in is ignored: status is polled until the client's own wait ends.",
  },
  {
    name: 'hides-user-code',
    requirements: ['AAP-7.1-STEP2'],
    description: 'verification_uri, verification_uri_complete and user_code are never shown to the agent or user.',
  },
  {
    name: 'escalation-not-followed',
    requirements: ['AAP-6.6-STEP3'],
    description: 'request_capability returns a pending answer as is and never polls for the decision.',
  },
  {
    name: 'accepts-any-verification-uri',
    requirements: ['AAP-8.12-20', 'AAP-8.12-21', 'AAP-8.12-23'],
    description:
      'verification_uri is shown to the user unchecked, plain http or another origin included (with an https issuer an http URL is ' +
      'never same-origin, so the scheme rule cannot be broken on its own).',
  },
  {
    name: 'accepts-widened-constraints',
    requirements: ['AAP-2.13-05', 'AAP-2.13-06'],
    description: 'SHOULD: grants whose constraints are wider than proposed are used without any warning.',
  },
  // Execution (§5.11, §6.10, §8.12, §8.13)
  {
    name: 'async-not-polled',
    requirements: ['AAP-6.10-STEP4'],
    description: 'An async 202 answer is returned as the result; the status_url is never polled.',
  },
  {
    name: 'follows-cross-origin-status-url',
    requirements: ['AAP-8.12-22'],
    description: 'A status_url on an origin other than the issuer and the execution location is polled.',
  },
  {
    name: 'follows-any-status-url',
    requirements: ['AAP-8.12-21', 'AAP-8.12-22'],
    description:
      'status_url is polled unchecked, plain http on any origin included (with an https issuer an http URL is never same-origin, ' +
      'so the scheme rule cannot be broken on its own).',
  },
  {
    name: 'async-poll-reuses-jwt',
    requirements: ['AAP-5.11-10'],
    description: 'One agent JWT is minted for the first status_url poll and sent again on every later poll.',
  },
  {
    name: 'async-poll-without-jwt',
    requirements: ['AAP-5.11-05', 'AAP-5.11-13'],
    description: 'The status_url is polled without an Authorization header.',
  },
  {
    name: 'async-poll-no-backoff',
    requirements: ['AAP-5.11-11'],
    description: 'SHOULD: the status_url is polled every 100 ms instead of with exponential back-off.',
  },
  {
    name: 'sse-drops-untyped-events',
    requirements: ['AAP-5.11-18'],
    description: 'Stream events without an event: line are dropped instead of being read as data events.',
  },
  {
    name: 'sse-close-is-success',
    requirements: ['AAP-5.11-20'],
    description: 'A stream that ends without a done event is returned as a complete result.',
  },
  {
    name: 'sse-keeps-stream-open',
    requirements: ['AAP-5.11-17'],
    description: 'After the done event the connection is left open until the server closes it.',
  },
  {
    name: 'ignores-retry-after',
    requirements: ['AAP-8.13-09'],
    description: 'A 429 answer is retried after 500 ms whatever its Retry-After says.',
  },
  {
    name: 'no-backoff-without-retry-after',
    requirements: ['AAP-8.13-10'],
    description:
      'SHOULD: a 429 answer without Retry-After is retried after 100 ms each time instead of backing off from 1 s.',
  },
  // Lifecycle and sign_jwt (§6.5, §6.7)
  {
    name: 'disconnect-reports-success-on-failure',
    requirements: ['AAP-6.7-01'],
    description:
      'disconnect_agent confirms the disconnection (and forgets the agent) although the revoke request failed.',
  },
  {
    name: 'disconnect-keeps-agent',
    requirements: ['AAP-6.7-STEP3'],
    description:
      'disconnect_agent keeps the agent keypair and connection, so the agent can still sign requests afterwards.',
  },
  {
    name: 'sign-jwt-unchecked-capabilities',
    requirements: ['AAP-6.5-STEP1'],
    description: 'sign_jwt restricts a token to any capabilities asked for, granted or not, instead of refusing.',
  },
  {
    name: 'sign-jwt-expires-in-absolute',
    requirements: ['AAP-6.5-RESP.expires_in'],
    description: "sign_jwt returns the token's exp timestamp as expires_in instead of its lifetime in seconds.",
  },
] as const satisfies readonly ClientFaultDefinition[];

export type ClientFaultName = (typeof FAULT_LIST)[number]['name'];

export const CLIENT_FAULTS: readonly ClientFaultDefinition[] = FAULT_LIST;

export const CLIENT_FAULT_NAMES: readonly ClientFaultName[] = FAULT_LIST.map((fault) => fault.name);

export function isClientFaultName(name: string): name is ClientFaultName {
  return (CLIENT_FAULT_NAMES as readonly string[]).includes(name);
}

/** The faults switched on in one reference-client process. */
export class ClientFaultSet {
  private readonly active: ReadonlySet<ClientFaultName>;

  constructor(names: readonly ClientFaultName[] = []) {
    for (const name of names) if (!isClientFaultName(name)) throw new Error(`unknown fault: ${String(name)}`);
    this.active = new Set(names);
  }

  has(name: ClientFaultName): boolean {
    return this.active.has(name);
  }

  names(): ClientFaultName[] {
    return [...this.active];
  }
}

/** Lines of `--list-faults`: name, requirement ids, description. */
export function clientFaultListing(): string[] {
  return CLIENT_FAULTS.map((f) => `${f.name}  [${f.requirements.join(', ')}]\n    ${f.description}`);
}
