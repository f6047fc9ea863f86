/**
 * Fault injection: each fault makes the simulator break exactly one normative requirement, so a
 * conformance run against the faulty simulator proves the harness notices that breach. Faults are
 * switched on per simulator instance (`faults` option, `--fault` on the command line).
 */
export interface FaultDefinition {
  readonly name: string;
  readonly description: string;
  /** Catalogue ids (`AAP-<section>-<suffix>`) of the requirements the fault violates. */
  readonly requirements: readonly string[];
  /**
   * The cells of the state table (`<state>.<operation>`, spec/state-table.yaml) the fault makes wrong:
   * the state walk must fail there.
   */
  readonly cells?: readonly string[];
}

const FAULT_LIST = [
  // Token verification (§4.2-§4.6, §8.2, §8.4, §8.7, §8.12)
  {
    name: 'accepts-wrong-typ-agent',
    description:
      'Agent-authenticated endpoints accept tokens whose typ is neither agent+jwt nor host+jwt (e.g. "JWT" or none).',
    requirements: ['AAP-4.3-03', 'AAP-4.5-STEP1'],
  },
  {
    name: 'accepts-wrong-typ-host',
    description: 'Host-authenticated endpoints accept tokens whatever their typ header says.',
    requirements: ['AAP-4.2-03', 'AAP-4.5.1-STEP1'],
  },
  {
    name: 'accepts-host-token-as-agent',
    description: 'Agent-authenticated endpoints accept a token typed host+jwt (token confusion).',
    requirements: ['AAP-4.3-03', 'AAP-4.5-STEP1'],
  },
  {
    name: 'skips-aud-check',
    description: 'The aud claim of host and agent JWTs is not compared with the expected audience.',
    requirements: ['AAP-4.3-06', 'AAP-4.5-STEP3', 'AAP-4.5.1-STEP3'],
  },
  {
    name: 'no-replay-cache',
    description: 'jti values are never remembered, so a replayed token is accepted.',
    requirements: ['AAP-4.6-03', 'AAP-8.4-01', 'AAP-4.5-STEP8'],
  },
  {
    name: 'short-replay-cache',
    description:
      'Replay-cache entries are dropped at exp instead of exp + clock skew, so a token replayed in the skew margin is accepted.',
    requirements: ['AAP-8.2-05'],
  },
  {
    name: 'replay-check-race',
    description:
      'The jti is recorded only some time after the replay lookup, so copies of one token sent at the same instant are all accepted.',
    requirements: ['AAP-4.6-03', 'AAP-8.4-01'],
  },
  {
    name: 'aud-prefix-match',
    description:
      'An aud that merely begins with the expected audience (the issuer with a trailing slash, any URL below it) is accepted.',
    requirements: ['AAP-4.3-06', 'AAP-4.5-STEP3', 'AAP-4.5.1-STEP3', 'AAP-8.18-01'],
  },
  {
    name: 'missing-jti-accepted',
    description: 'Tokens without a jti claim are accepted (and never checked for replay).',
    requirements: ['AAP-4.2-CLAIM.jti', 'AAP-4.3-CLAIM.jti'],
  },
  {
    name: 'accepts-alg-none',
    description: 'Unsigned tokens (alg "none") are accepted without any signature check.',
    requirements: ['AAP-4.5-STEP7', 'AAP-4.5.1-STEP5'],
  },
  {
    name: 'accepts-hs256',
    description: 'HS256 tokens keyed with the raw public key bytes are accepted (algorithm confusion).',
    requirements: ['AAP-4.5-STEP7', 'AAP-4.5.1-STEP5'],
  },
  {
    name: 'skips-signature-check',
    description: 'EdDSA signatures are never verified: a corrupted or foreign signature passes.',
    requirements: ['AAP-4.5-STEP7', 'AAP-4.5.1-STEP5'],
  },
  {
    name: 'accepts-future-iat',
    description: 'Tokens issued more than 30 seconds in the future are accepted.',
    requirements: ['AAP-8.2-03', 'AAP-4.5.1-STEP6'],
  },
  {
    name: 'wide-iat-skew',
    description: 'Tokens issued up to 40 seconds in the future are accepted (the cap is 30 seconds).',
    requirements: ['AAP-8.2-03', 'AAP-4.5.1-STEP6'],
  },
  {
    name: 'accepts-expired-jwt',
    description: 'Tokens past exp (plus skew) are accepted.',
    requirements: ['AAP-4.5-STEP8', 'AAP-4.5.1-STEP6'],
  },
  {
    name: 'no-iss-thumbprint-check',
    description: 'A new host may register with an iss that is not the thumbprint of its signing key.',
    requirements: ['AAP-4.2-06', 'AAP-4.5.1-STEP4'],
  },
  {
    name: 'key-mode-switch-accepted',
    description: 'An inline-key host may later present host_jwks_url (and a JWKS host an inline key).',
    requirements: ['AAP-8.7-06'],
  },
  {
    name: 'jwks-fetch-unprotected',
    description: 'JWKS URLs are fetched without the SSRF protections: http and private/loopback addresses are allowed.',
    requirements: ['AAP-4.2-08', 'AAP-8.12-01', 'AAP-8.12-03'],
  },
  {
    name: 'old-agent-key-works-after-rotation',
    description: 'After POST /agent/rotate-key the previous agent key still authenticates.',
    requirements: ['AAP-5.8-02'],
  },
  {
    name: 'old-host-key-works-after-rotation',
    description: 'After POST /host/rotate-key the previous host key still authenticates.',
    requirements: ['AAP-5.9-03'],
  },
  // Lifecycle, hosts and approval (§2.3-§2.11, §5.3, §5.5-§5.10, §8.5)
  {
    name: 'unknown-host-auto-approved',
    description: 'A never-seen host is created active and its agents are approved at once.',
    requirements: ['AAP-8.10-01', 'AAP-8.10-03'],
  },
  {
    name: 'revoked-host-registers',
    description: 'A revoked host may still register new agents.',
    requirements: ['AAP-2.11-04'],
  },
  {
    name: 'pending-agent-executes',
    description: 'Tokens of pending agents authenticate.',
    requirements: ['AAP-2.3-STATE.pending', 'AAP-4.5-STEP6'],
  },
  {
    name: 'expired-agent-executes',
    description: 'Tokens of expired agents authenticate.',
    requirements: ['AAP-2.3-STATE.expired', 'AAP-4.5-STEP6', 'AAP-5.11-ERR.agent_expired'],
  },
  {
    name: 'revoked-agent-executes',
    description: 'Tokens of revoked agents authenticate.',
    requirements: ['AAP-2.3-STATE.revoked', 'AAP-4.5-STEP6', 'AAP-5.11-ERR.agent_revoked'],
  },
  {
    name: 'no-revocation-cascade',
    description: 'Revoking a host leaves its agents untouched; the answer reports agents_revoked: 0.',
    requirements: ['AAP-8.5-01', 'AAP-2.11-05', 'AAP-5.10-02', 'AAP-5.10-RESP.agents_revoked'],
  },
  {
    name: 'unlink-keeps-delegated-agents',
    description: 'Unlinking a host leaves its delegated agents active.',
    requirements: ['AAP-2.9-03'],
  },
  {
    name: 'user-deletion-no-cascade',
    description: 'Deleting a user leaves the linked hosts and their agents active.',
    requirements: ['AAP-2.6-01', 'AAP-2.6-02'],
  },
  {
    name: 'autonomous-claim-skipped',
    description: 'Linking a host leaves its active autonomous agents active instead of claiming them.',
    requirements: ['AAP-2.10-01', 'AAP-2.10-STEP2'],
  },
  {
    name: 'keeps-escalated-grants-on-reactivation',
    description: 'Reactivation keeps the grants the agent held before instead of decaying to the host defaults.',
    requirements: ['AAP-2.5-02', 'AAP-5.6-STEP3'],
  },
  {
    name: 'resets-absolute-clock',
    description: 'Reactivation ignores and resets the absolute lifetime clock.',
    requirements: ['AAP-2.5-03', 'AAP-5.6-STEP2', 'AAP-5.6-02'],
  },
  {
    name: 'reactivates-revoked-agent',
    description: 'Reactivation brings a revoked agent back to active.',
    requirements: ['AAP-2.3-STATE.revoked', 'AAP-5.6-STEP1', 'AAP-5.7-01'],
  },
  {
    name: 'status-shows-foreign-agent',
    description: 'GET /agent/status answers for agents registered under another host.',
    requirements: ['AAP-5.5-02'],
  },
  {
    name: 'revoke-foreign-agent',
    description: 'POST /agent/revoke revokes agents registered under another host.',
    requirements: ['AAP-5.7-03'],
  },
  {
    name: 'pending-registration-not-idempotent',
    description: 'Retrying a pending registration creates a second agent instead of returning the first.',
    requirements: ['AAP-5.3-12', 'AAP-7.1-03'],
  },
  {
    name: 'agent-exists-not-rejected',
    description:
      'Registering an already active agent key again creates a new agent instead of answering 409 agent_exists.',
    requirements: ['AAP-5.3-13'],
  },
  {
    name: 'registration-race',
    description:
      'Registrations are not serialised: copies of one registration sent at the same instant each create an agent for the same key.',
    requirements: ['AAP-5.3-10'],
  },
  {
    name: 'unsupported-mode-accepted',
    description: 'Registrations for a mode the server does not offer are accepted.',
    requirements: ['AAP-2.2.2-02'],
  },
  // Capabilities and execution (§2.12-§2.15, §5.2, §5.11, §5.12, §8.13)
  {
    name: 'no-grant-status-with-agent-jwt',
    description: 'Capability listings authenticated with an agent JWT carry no grant_status.',
    requirements: ['AAP-5.2-SHAPE.agent-jwt', 'AAP-5.2.1-03'],
  },
  {
    name: 'wrong-error-code-capability-not-found',
    description:
      'An unknown capability name is answered 404 with the code unknown_capability instead of capability_not_found.',
    requirements: ['AAP-5.2.1-06', 'AAP-5.11-ERR.capability_not_found'],
  },
  {
    name: 'removed-capability-executes',
    description: 'Existing grants for a removed capability still execute.',
    requirements: ['AAP-2.12-02', 'AAP-2.12-03'],
  },
  {
    name: 'ignores-max-operator',
    description: 'The max constraint operator is not enforced on execution.',
    requirements: ['AAP-2.13-OP.max', 'AAP-5.11-27'],
  },
  {
    name: 'ignores-min-operator',
    description: 'The min constraint operator is not enforced on execution.',
    requirements: ['AAP-2.13-OP.min', 'AAP-5.11-27'],
  },
  {
    name: 'ignores-in-operator',
    description: 'The in constraint operator is not enforced on execution.',
    requirements: ['AAP-2.13-OP.in', 'AAP-5.11-27'],
  },
  {
    name: 'ignores-not-in-operator',
    description: 'The not_in constraint operator is not enforced on execution.',
    requirements: ['AAP-2.13-OP.not_in', 'AAP-5.11-27'],
  },
  {
    name: 'ignores-exact-constraint',
    description: 'Exact-value constraints are not enforced on execution.',
    requirements: ['AAP-2.13-07'],
  },
  {
    name: 'truncates-numeric-arguments',
    description:
      'Numeric arguments are cut to whole numbers before the constraint check, so a value just above a max (max + 0.5) runs.',
    requirements: ['AAP-2.13-OP.max', 'AAP-5.11-27'],
  },
  {
    name: 'widens-constraints',
    description: 'Granted constraints are replaced by the wider server cap instead of the agent-proposed limit.',
    requirements: ['AAP-2.13-03'],
  },
  {
    name: 'unknown-operator-ignored',
    description: 'Unknown constraint operators are silently stored and ignored instead of rejected.',
    requirements: ['AAP-2.13-10'],
  },
  {
    name: 'capabilities-claim-ignored',
    description: 'The capabilities claim of agent JWTs does not restrict what the token may execute.',
    requirements: ['AAP-4.3-07', 'AAP-4.5-STEP11'],
  },
  {
    name: 'sync-response-has-status',
    description: 'Sync execution answers carry a status member next to data.',
    requirements: ['AAP-5.11-SHAPE.sync_success.excludes'],
  },
  {
    name: 'async-pending-200',
    description: 'Unfinished async executions are answered 200 instead of 202.',
    requirements: ['AAP-5.11-03', 'AAP-5.11-SHAPE.async_pending.includes'],
  },
  {
    name: 'async-poll-unauthenticated',
    description: 'The status_url answers without any agent JWT.',
    requirements: ['AAP-5.11-06'],
  },
  {
    name: 'async-poll-any-agent',
    description: 'The status_url answers to any authenticated agent, not only the one that started the execution.',
    requirements: ['AAP-5.11-07'],
  },
  {
    name: 'sse-no-done-event',
    description: 'Streams end by closing the connection without a done event.',
    requirements: ['AAP-5.11-19', 'AAP-5.11-EVENT.done'],
  },
  {
    name: 'introspect-ignores-revocation',
    description: 'Introspection reports tokens of revoked agents as active.',
    requirements: ['AAP-5.12-RESP.active', 'AAP-5.12-02'],
  },
  {
    name: 'no-rate-limit',
    description: 'The configured rate limit is never enforced.',
    requirements: ['AAP-8.13-01', 'AAP-8.13-ERR.rate_limited'],
  },
  // One wrong cell of the state machine each (§2.3-§2.11, §4.5 step 6, §5.4-§5.12): spec/state-table.yaml
  {
    name: 'rejected-agent-authenticates',
    description: 'A rejected agent passes the state check of execution, capability requests and listing.',
    requirements: ['AAP-2.3-STATE.rejected'],
    cells: ['rejected.request-capability', 'rejected.list'],
  },
  {
    name: 'claimed-agent-requests-capabilities',
    description: 'A claimed agent can still request capabilities.',
    requirements: ['AAP-2.3-STATE.claimed'],
    cells: ['claimed.request-capability'],
  },
  {
    name: 'expired-agent-requests-capabilities',
    description: 'An expired agent can still request capabilities (execution refuses it as it should).',
    requirements: ['AAP-5.13-ERR.agent_expired'],
    cells: ['expired.request-capability', 'expired-max.request-capability'],
  },
  {
    name: 'introspect-expired-active',
    description: "Introspection reports an expired agent's token as active.",
    requirements: ['AAP-5.12-01'],
    cells: ['expired.introspect', 'expired-max.introspect'],
  },
  {
    name: 'introspect-pending-active',
    description: "Introspection reports a pending agent's token (under an approved host) as active.",
    requirements: ['AAP-5.12-01'],
    cells: ['pending.introspect'],
  },
  {
    name: 'pending-agent-lists-authenticated',
    description: "A pending agent's JWT gets the authenticated capability listing, grant_status and all.",
    requirements: ['AAP-2.12-FIELD.grant_status'],
    cells: ['pending.list', 'pending.describe'],
  },
  {
    name: 'revoked-agent-lists-authenticated',
    description: "A revoked agent's JWT gets the authenticated capability listing, grant_status and all.",
    requirements: ['AAP-2.12-FIELD.grant_status'],
    cells: ['revoked.list', 'revoked.describe'],
  },
  {
    name: 'reactivates-pending-agent',
    description: 'Reactivating a pending agent activates it without the approval it awaits.',
    requirements: ['AAP-5.13-ERR.reactivate.agent_pending'],
    cells: ['pending.reactivate'],
  },
  {
    name: 'reactivates-claimed-agent',
    description: 'Reactivating a claimed agent brings it back to life.',
    requirements: ['AAP-5.13-ERR.reactivate.agent_claimed'],
    cells: ['claimed.reactivate'],
  },
  {
    name: 'reactivates-rejected-agent',
    description: 'Reactivating a rejected agent activates it.',
    requirements: ['AAP-5.13-ERR.reactivate.agent_rejected'],
    cells: ['rejected.reactivate'],
  },
  {
    name: 'rotate-key-activates-pending',
    description: 'Rotating the key of a pending agent activates it.',
    requirements: ['AAP-2.3-STATE.pending'],
    cells: ['pending.rotate-key'],
  },
  {
    name: 'rotate-key-revives-expired',
    description: 'Rotating the key of an expired agent makes it active again without reactivation.',
    requirements: ['AAP-2.3-STATE.expired'],
    cells: ['expired.rotate-key', 'expired-max.rotate-key'],
  },
  {
    name: 'rotate-key-revives-revoked',
    description: 'Rotating the key of a revoked agent succeeds and makes it active again.',
    requirements: ['AAP-2.6-01'],
    cells: ['revoked.rotate-key'],
  },
  {
    name: 'pending-grant-executes',
    description: 'An active agent can execute a capability whose grant still awaits approval.',
    requirements: ['AAP-5.13-ERR.agent-authenticated.capability_not_granted'],
    cells: ['grant-pending.execute-subject'],
  },
  {
    name: 'denied-grant-executes',
    description: 'An active agent can execute a capability whose grant the user denied.',
    requirements: ['AAP-5.13-ERR.agent-authenticated.capability_not_granted'],
    cells: ['grant-denied.execute-subject'],
  },
  {
    name: 'revoke-leaves-pending-agent',
    description: 'Revoking a pending agent answers status revoked but leaves it pending.',
    requirements: ['AAP-5.7-01'],
    cells: ['pending.revoke'],
  },
  {
    name: 'revoked-host-status-readable',
    description: 'A revoked host can still read the status of its agents.',
    requirements: ['AAP-4.5.1-STEP8'],
    cells: ['host-revoked.status', 'user-deleted.status'],
  },
  // One wrong transition each: spec/state-table.yaml `transitions`, walked as `<state>.on-<event>`
  {
    name: 'unlink-spares-pending',
    description: 'Unlinking a host revokes its active and expired delegated agents but leaves pending ones pending.',
    requirements: ['AAP-2.9-03'],
    cells: ['pending.on-unlink'],
  },
  {
    name: 'absolute-clock-spares-expired',
    description: 'The absolute lifetime revokes only active agents: an expired agent past it stays expired.',
    requirements: ['AAP-2.3-STATE.revoked', 'AAP-2.5-03'],
    cells: ['expired.on-expire-absolute', 'expired-max.on-expire-absolute', 'autonomous-expired.on-expire-absolute'],
  },
  {
    name: 'approval-revives-expired',
    description:
      'An operator approval of an expired agent with nothing pending makes it active again (no reactivation).',
    requirements: ['AAP-2.3-STATE.expired'],
    cells: ['expired.on-approve', 'expired-max.on-approve', 'autonomous-expired.on-approve'],
  },
  {
    name: 'denial-rejects-active-agent',
    description: 'Denying the pending capability request of an active agent rejects the agent itself.',
    requirements: ['AAP-5.4-01'],
    cells: ['grant-pending.on-deny'],
  },
  {
    name: 'host-rotation-drops-grants',
    description: "Rotating the host key revokes the grants of the host's agents.",
    requirements: ['AAP-5.9-02', 'AAP-5.9-06'],
    cells: ['active.on-host-rotate-key', 'autonomous.on-host-rotate-key'],
  },
] as const satisfies readonly FaultDefinition[];

export type FaultName = (typeof FAULT_LIST)[number]['name'];

export const FAULTS: readonly FaultDefinition[] = FAULT_LIST;

export const FAULT_NAMES: readonly FaultName[] = FAULT_LIST.map((fault) => fault.name);

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** The set of faults active in one simulator instance. */
export class FaultSet {
  private readonly active: ReadonlySet<FaultName>;

  constructor(names: readonly FaultName[] = []) {
    for (const name of names) if (!isFaultName(name)) throw new Error(`unknown fault: ${String(name)}`);
    this.active = new Set(names);
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }
}
