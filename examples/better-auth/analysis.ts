/**
 * The hand-written part of FINDINGS.md for the better-auth reference target (`@better-auth/agent-auth`
 * 0.6.2): what each deviation of the server is, how each check shows it, why checks reached no verdict,
 * how the target was set up for each published run, and what the triage of this target changed in the
 * suite. findings.ts joins it with the evidence of a report.json, so every quoted exchange, status line,
 * message, count, date and port comes from the run the reports hold. A failed, warned or informational
 * check that no entry here claims is listed as "not yet analysed".
 *
 * Deviations keep their numbers (`number`) whichever run is rendered, so the prose can refer to one by
 * its number and the findings of both published runs use the same numbers.
 */
import type { CheckResult, Exchange } from '../../src/model/index.ts';
import type { TargetSettings } from './auth.ts';

/** Picks the exchanges of a check to quote in full. */
export type ExchangePicker = (check: CheckResult) => Exchange[];

export interface CheckNote {
  /** Markdown: how this check shows the deviation. */
  how: string;
  /** The exchanges to quote in full; default: the deviation's picker, else `keyExchanges`. */
  key?: ExchangePicker;
}

export interface Deviation {
  /** Its number in every FINDINGS.md of this target. */
  number: number;
  title: string;
  /** The strictest level among its checks (MUST fails, SHOULD warns, MAY informs). */
  level: 'MUST' | 'SHOULD' | 'MAY';
  /** The requirements the server breaks (the checks may cite more). */
  requirements: string[];
  sections: string[];
  /** The profile workaround (member name) that steps around this deviation for the rest of the suite. */
  workaround?: string;
  /** Markdown: what the spec requires and what the server did, with the plugin source where it explains it. */
  analysis: string;
  /** Check id → how that check shows the deviation. */
  checks: Record<string, CheckNote>;
  /** The exchanges to quote for a check that names no picker of its own. */
  key?: ExchangePicker;
  /**
   * Recognises the deviation in the evidence of a check that `checks` does not name (one added to the
   * suite since this analysis was written): returns how the check shows it, or undefined.
   */
  recognise?: (check: CheckResult) => string | undefined;
}

const isControl = (exchange: Exchange) => exchange.label?.startsWith('control') === true;
const answered = (exchange: Exchange) => exchange.response?.status ?? 0;

/**
 * The exchange(s) that show a check's verdict: the one its failure names, else the last request to the
 * target answered with 400 or more, else its last request to the target.
 */
export function keyExchanges(check: CheckResult): Exchange[] {
  const pointed = check.exchanges.find((exchange) => exchange.seq === check.failure?.exchange);
  const protocol = check.exchanges.filter((exchange) => !isControl(exchange));
  const found = pointed ?? protocol.filter((exchange) => answered(exchange) >= 400).at(-1) ?? protocol.at(-1);
  return found === undefined ? [] : [found];
}

/** Exchanges whose label starts with `prefix`, the last `count` of them. */
function labelled(prefix: string, count = 1): ExchangePicker {
  return (check) => check.exchanges.filter((exchange) => exchange.label?.startsWith(prefix) === true).slice(-count);
}

/** Several pickers, in exchange order, each exchange once. */
function both(...pickers: ExchangePicker[]): ExchangePicker {
  return (check) => {
    const seqs = new Set(pickers.flatMap((pick) => pick(check)).map((exchange) => exchange.seq));
    return check.exchanges.filter((exchange) => seqs.has(exchange.seq));
  };
}

/** The key exchange and the one after it (a repeat of the request the check makes to compare). */
const withNext: ExchangePicker = (check) => {
  const key = keyExchanges(check)[0];
  return key === undefined ? [] : check.exchanges.filter((exchange) => exchange.seq >= key.seq).slice(0, 2);
};

/** Every request of the check to the target (not the operator hook). */
const allRequests: ExchangePicker = (check) => check.exchanges.filter((exchange) => !isControl(exchange));

/** Error answers whose JSON body has no string `error` member (§5.13). */
const withoutErrorMember: ExchangePicker = (check) =>
  check.exchanges.filter((exchange) => {
    if (isControl(exchange) || answered(exchange) < 400) return false;
    try {
      return typeof (JSON.parse(exchange.response?.body ?? '') as { error?: unknown } | null)?.error !== 'string';
    } catch {
      return true;
    }
  });

/** The last status poll, which shows the state the server reports. */
const lastStatus = labelled('status');

/**
 * The cells of the state walk (`server.state.<state>.<operation>`, spec/state-table.yaml) that show a
 * deviation, all in the same way.
 */
function stateCells(states: readonly string[], operations: readonly string[], how: string): Record<string, CheckNote> {
  return Object.fromEntries(
    states.flatMap((state) => operations.map((operation) => [`server.state.${state}.${operation}`, { how }])),
  );
}

function says(check: CheckResult, pattern: RegExp): boolean {
  return pattern.test(check.message ?? '');
}

export const DEVIATIONS: Deviation[] = [
  {
    number: 1,
    title: 'Host not recognised by the thumbprint `iss` of a kid-less inline key',
    level: 'MUST',
    requirements: ['AAP-4.2-04'],
    sections: ['4.2', '4.5.1'],
    analysis: `**What the spec requires.** A host JWT names the host by the RFC 7638 thumbprint of its signing key
in \`iss\`. For a known inline-key host the server finds the host by that value; the thumbprint does not
depend on whether the JWK carries a \`kid\`.

**What the server did.** It registered the host, but once approved it did not find it again: status
polled with a host JWT whose \`iss\` is the thumbprint of the (kid-less) host key was refused as if the
agent did not exist. The plugin looks hosts up by its own database id or by the key's stored \`kid\` only,
so a host is recognised by its thumbprint only if the client happened to put the thumbprint into the
JWK's \`kid\` (its own SDK does). The suite's fixtures therefore give host keys \`kid\` = thumbprint (see
"Suite defects found and fixed"), and this check keeps the kid-less case visible.`,
    checks: {
      'server.jwt.host.status.thumbprint-identifies-host': {
        how: `The registration with the kid-less key succeeded and the operator approved it; every status poll
after that, with the thumbprint as \`iss\`, was refused.`,
        key: both(labelled('register'), keyExchanges),
      },
    },
  },
  {
    number: 2,
    title: "Host key rotation needs the server's database id as `iss`",
    level: 'MUST',
    requirements: ['AAP-5.9-01', 'AAP-5.9-05'],
    sections: ['5.9', '4.2'],
    analysis: `**What the spec requires.** An approved host rotates its inline key with \`POST /host/rotate-key\`,
authenticated by a host JWT signed with the current key (whose \`iss\` is that key's thumbprint); the
server swaps the stored key and answers with the host id and status. A rotation to a non-Ed25519 key is
refused with \`400 unsupported_algorithm\`.

**What the server did.** Every rotation by an approved host whose other host-JWT requests succeed (its
status poll just before was answered) was answered \`404 host_not_found\`: the endpoint looks the host up
by the database id only, taken from \`iss\`, and never by thumbprint or \`kid\`. So no rotation can be done
by a client that follows §4.2, and the checks on the rotated key, on a P-256 replacement key and on the
agents' tokens after a rotation cannot reach their subject. The \`agentJwtIssuer\` workaround concerns
agent JWTs only and does not touch this host-JWT deviation.`,
    checks: {
      ...stateCells(
        ['active', 'pending', 'revoked', 'rejected', 'claimed', 'grant-pending', 'grant-denied', 'autonomous'],
        ['on-host-rotate-key'],
        "The transitions walked from each state under an approved host: the host's key rotation, the event itself, was answered `404 host_not_found` (its agent's state was left as the table says).",
      ),
      'server.key-rotation.host.response': { how: 'The rotation itself was refused, so there is no answer to check.' },
      'server.key-rotation.host.new-key-authenticates': {
        how: 'The rotation was refused, so the new key never became the host key.',
      },
      'server.key-rotation.host.old-key-refused': {
        how: 'The rotation was refused, so the old key stays in force and nothing can be said about refusing it.',
      },
      'server.key-rotation.host.rejects-non-ed25519-key': {
        how: `A rotation to a P-256 key was answered \`404 host_not_found\` rather than \`400 unsupported_algorithm\`: the
host lookup fails before the key is examined.`,
      },
      'server.key-rotation.host.agents-keep-working': {
        how: `The agent executed before the rotation; the rotation was refused, so whether the host's agents keep
working after one was not observed.`,
      },
    },
    recognise: (check) =>
      check.id.startsWith('server.key-rotation.host.') && says(check, /host_not_found/)
        ? 'The host key rotation of an approved host was answered `host_not_found`.'
        : undefined,
  },
  {
    number: 3,
    title: 'Agent JWTs whose `iss` is the host key thumbprint are refused',
    level: 'MUST',
    requirements: ['AAP-4.3-CLAIM.iss', 'AAP-4.5-STEP4'],
    sections: ['4.3', '4.5'],
    workaround: 'agentJwtIssuer',
    analysis: `**What the spec requires.** An agent JWT carries in \`iss\` the thumbprint of its host's current key,
the same value as the host JWT \`iss\`. The server finds the host by it, and if it does not know the value
it falls back to the agent named by \`sub\` and its parent host.

**What the server did.** A freshly approved agent holding \`list_accounts\` was refused with
\`401 invalid_jwt\` when it executed with a correct token whose \`iss\` is the host key thumbprint. The
plugin accepts only its own database host id in an agent token's \`iss\` (or no \`iss\` at all), with no
fallback through \`sub\`. The check makes the control observation itself: since the thumbprint was refused
and a workaround is declared, it sends the identical request with \`iss\` = the \`host_id\` of the
registration answer and notes the answer. The refusal is about \`iss\` alone. Without the workaround every
agent-JWT request of the suite fails this way and every check that authenticates an agent stops at its
first agent request; with it they observe the server, and this check keeps failing.`,
    checks: {
      'server.jwt.agent.execute.thumbprint-iss-accepted': {
        how: `The execution with the thumbprint as \`iss\` was refused; the same request with the host id as \`iss\`
(the exchange after it, and the check's note) was answered.`,
        key: withNext,
      },
    },
  },
  {
    number: 4,
    title: "New host registers although `iss` is not its key's thumbprint",
    level: 'MUST',
    requirements: ['AAP-4.2-06'],
    sections: ['4.2', '4.5.1'],
    analysis: `**What the spec requires.** When an unknown host registers, the server computes the thumbprint of the
key it was shown and refuses the request unless it equals \`iss\`.

**What the server did.** A registration whose \`iss\` is the thumbprint of an unrelated key (the token
carries and is signed by the real host key) was accepted: agent created, pending.`,
    checks: {
      'server.jwt.host.register.iss-not-thumbprint': {
        how: 'The registration with the foreign thumbprint as `iss` was accepted.',
      },
    },
  },
  {
    number: 5,
    title: 'Host and agent JWTs without `exp` are accepted',
    level: 'MUST',
    requirements: ['AAP-4.2-CLAIM.exp', 'AAP-4.3-CLAIM.exp'],
    sections: ['4.2', '4.3', '4.5', '4.5.1'],
    analysis: `**What the spec requires.** \`exp\` is a required claim of host and agent JWTs and the server checks
it; a token without one is invalid (\`401 invalid_jwt\`).

**What the server did.** Both registration and status accepted a host JWT that has no \`exp\` (the plugin
only bounds the token's age from \`iat\`). Agent JWTs behave the same: execution ran with an agent JWT
without \`exp\`, and request-capability verified one and answered \`409 already_granted\`, an answer that
needs an accepted token.`,
    checks: {
      'server.jwt.host.register.missing-exp': { how: 'The registration with a host JWT without `exp` was accepted.' },
      'server.jwt.host.status.missing-exp': {
        how: 'After a correct status poll, the same poll with a host JWT without `exp` was answered as well.',
      },
      'server.jwt.agent.execute.missing-exp': {
        how: 'After a correct execution, the same execution with an agent JWT without `exp` ran as well.',
      },
      'server.jwt.agent.request-capability.missing-exp': {
        how: `The capability request with an agent JWT without \`exp\` got the same \`already_granted\` answer as the
correct one before it: the token was verified and accepted.`,
      },
    },
    recognise: (check) =>
      says(check, /without exp: the token was accepted/) ? 'A token without `exp` was accepted.' : undefined,
  },
  {
    number: 6,
    title: 'Host JWT `jti` not enforced (missing or replayed)',
    level: 'MUST',
    requirements: ['AAP-4.6-03', 'AAP-4.5.1-STEP7'],
    sections: ['4.6', '4.5.1', '8.4'],
    analysis: `**What the spec requires.** Every JWT carries a \`jti\`; the server remembers the values it has seen
for the token's validity window and refuses a second use (RUL-JTI-CONCURRENT: also when sequential).

**What the server did.** On host-authenticated endpoints other than registration (status here) the plugin
neither requires a \`jti\` nor remembers it: a token without \`jti\` was accepted, and the same token was
accepted twice. On registration the second use of one token was accepted as well (it answered the
existing pending agent); per the plugin source, the first use is recorded under a key for an unknown host
and the second, the host now being known, is looked up under another.`,
    checks: {
      'server.jwt.host.status.missing-jti': { how: 'The status poll with a host JWT without `jti` was answered.' },
      'server.jwt.host.status.jti-replayed': {
        how: 'The same host JWT was sent twice to status; both uses were answered.',
        key: labelled('status', 2),
      },
      'server.jwt.host.register.jti-replayed': {
        how: 'Two identical registrations with one host JWT; the second was accepted like the first.',
        key: labelled('register', 2),
      },
      'server.jwt.host.status.time-boundaries': {
        how: 'A host JWT accepted inside its lifetime was sent again and accepted again (the generated case and its shrunk counterexample are in the message).',
      },
      'server.jwt.host.status.jti-concurrent-replay': {
        how: 'Copies of one host JWT sent to status at the same instant were all answered.',
      },
    },
  },
  {
    number: 7,
    title: 'Unknown host answered `agent_not_found`',
    level: 'MUST',
    requirements: ['AAP-5.13-ERR.invalid_jwt'],
    sections: ['4.5.1', '5.13'],
    analysis: `**What the spec requires.** A host JWT whose \`iss\` names no host the server knows, outside
registration, is an invalid token: \`401 invalid_jwt\`. For \`POST /host/revoke\`, RUL-HOST-NOT-FOUND also
accepts \`404 host_not_found\`.

**What the server did.** Status refused the token with the right HTTP status, 401, but the code
\`agent_not_found\`, which names a different condition (an agent, and one the server does know).
\`POST /host/revoke\` by a host the server has never seen got the same answer.`,
    checks: {
      'server.jwt.host.status.iss-not-thumbprint': {
        how: "A status poll whose host JWT names another key's thumbprint in `iss` was refused with the code of a missing agent.",
      },
      'server.errors.format-revoke-host': {
        how: '`POST /host/revoke` by never-seen hosts was refused with the code of a missing agent.',
        key: labelled('revoke host', 2),
      },
    },
  },
  {
    number: 8,
    title: 'No clock-skew allowance (informational)',
    level: 'MAY',
    requirements: ['AAP-8.2-02'],
    sections: ['8.2'],
    analysis: `**What the spec requires.** The server may tolerate clock skew up to 30 seconds when it checks \`iat\`
and \`exp\`; RUL-SKEW-TOLERANCE reads the sentence as a cap, so granting none is conformant.

**What the server did.** A host JWT issued 20 s ahead of the server clock was refused with
\`401 invalid_jwt\`, and so was an agent JWT: the plugin grants no skew. Not a deviation; listed because
clients with drifting clocks will meet it.`,
    checks: {
      'server.jwt.host.status.skew-future-iat-accepted': {
        how: 'The status poll with a host JWT issued 20 s ahead was refused.',
      },
      'server.jwt.agent.execute.skew-future-iat-accepted': {
        how: 'The execution with an agent JWT issued 20 s ahead was refused.',
      },
    },
  },
  {
    number: 9,
    title: '`grant_status` in host-JWT answers',
    level: 'MUST',
    requirements: ['AAP-2.12-FIELD.grant_status'],
    sections: ['2.12', '5.2', '5.2.1'],
    analysis: `**What the spec requires.** \`grant_status\` reports an agent's grant and appears only in answers to
requests authenticated by an agent JWT; a host-JWT listing or describe carries name and description (and,
for describe, the schemas) without it.

**What the server did.** With a host JWT, every listed capability and the described one carried
\`grant_status\` (\`granted\` for the host's default capabilities, \`not_granted\` otherwise).`,
    checks: {
      'server.capabilities.list-host-jwt': {
        how: 'The listing with a host JWT carries `grant_status` on every entry.',
      },
      'server.capabilities.describe-host-jwt': { how: 'The describe answer to a host JWT carries `grant_status`.' },
    },
    recognise: (check) =>
      says(check, /grant_status/) && says(check, /host JWT/)
        ? 'An answer to a host-JWT request carries `grant_status`.'
        : undefined,
  },
  {
    number: 10,
    title: 'Failed bearer token on list/describe answered as anonymous',
    level: 'SHOULD',
    requirements: ['AAP-5.13-ERR.invalid_jwt'],
    sections: ['5.2', '5.13'],
    analysis: `**What the spec requires.** Per RUL-OPTIONAL-AUTH-BAD-TOKEN (added by the first triage of this
target): a token the caller presents is verified and refused with \`401 invalid_jwt\` when it fails;
answering as to an anonymous caller is tolerated as a warning.

**What the server did.** A bearer token that is not a JWT, and a host JWT with a corrupted signature, both
got the anonymous listing; describe likewise. Nothing beyond the anonymous answer was revealed, so the
MUST-level error-format checks tolerate it.`,
    checks: {
      ...stateCells(
        [
          'pending',
          'pending-host',
          'revoked',
          'absolute-revoked',
          'rejected',
          'claimed',
          'host-revoked',
          'unlinked',
          'user-deleted',
          'expired',
          'expired-max',
        ],
        ['list', 'describe'],
        'The state walk: the JWT of an agent that is not active (pending, revoked, rejected, claimed, or its host revoked) was answered as anonymous on list/describe instead of refused.',
      ),
      'server.capabilities.invalid-token-refused': {
        how: 'All three requests with a failed token were answered as if no token had been sent.',
        key: allRequests,
      },
    },
  },
  {
    number: 11,
    title: 'Autonomous agent of a never-seen host is active at once',
    level: 'MUST',
    requirements: ['AAP-8.10-01'],
    sections: ['2.8', '8.10'],
    analysis: `**What the spec requires.** A host key the server has never seen is not trusted until a user
approves it: the host and its agent stay pending and hold no granted capability, whatever the mode.

**What the server did.** The first autonomous registration of a fresh host key answered \`status:
"active"\` with the host's default capability active. (The plugin activates unlinked hosts for autonomous
agents on first contact.)`,
    checks: {
      'server.registration.unknown-host-autonomous-pending': {
        how: 'The very first request of a fresh host key, an autonomous registration, produced an active agent with a granted capability.',
      },
    },
  },
  {
    number: 12,
    title: "Revoked agent's key registers again",
    level: 'SHOULD',
    requirements: ['AAP-5.3-13'],
    sections: ['5.3'],
    analysis: `**What the spec requires.** Registering again, under the same host, the key of an agent that is not
pending should be answered \`409 agent_exists\`.

**What the server did.** After the host revoked its agent, a registration with the same agent key created
a new, active agent.`,
    checks: {
      ...stateCells(
        ['revoked'],
        ['register-same-key'],
        'The state walk: the host revoked its agent, then registered the same agent key again and got a new active agent.',
      ),
      'server.registration.agent-exists-revoked': {
        how: 'The host revoked its agent, then registered the same agent key again: a new agent was created.',
        key: both(labelled('revoke'), labelled('register')),
      },
    },
  },
  {
    number: 13,
    title: 'Unknown constraint operators accepted',
    level: 'MUST',
    requirements: ['AAP-2.13-10', 'AAP-2.13-11'],
    sections: ['2.13'],
    analysis: `**What the spec requires.** A constraint using an operator the server does not know is never
ignored: the grant request is refused with \`400 unknown_constraint_operator\`, which should list the
offending names in \`unknown_operators\`.

**What the server did.** Registrations proposing a constraint with an operator no server can know (the
checks invent its name) were accepted and left pending. The SHOULD-level checks fail for the same reason:
there is no error answer that could list the operators. A capability request by an active agent
proposing an unknown operator was accepted as well (grant pending).`,
    checks: {
      'server.registration.unknown-constraint-operator': { how: 'The registration was accepted.' },
      'server.constraints.unknown-operator.register': { how: 'The registration was accepted.' },
      'server.registration.unknown-constraint-operator-listed': {
        how: 'The registration was accepted, so there is no error answer to list the operator (SHOULD).',
      },
      'server.constraints.unknown-operator.lists-operators': {
        how: 'The registration was accepted, so there is no error answer to list the operator (SHOULD).',
      },
      'server.constraints.unknown-operator.request-capability': {
        how: 'The capability request of an active agent was accepted.',
      },
    },
    recognise: (check) =>
      says(check, /unknown (constraint )?operator/) ? 'A constraint with an unknown operator was accepted.' : undefined,
  },
  {
    number: 14,
    title: 'Agents past their lifetime clocks stay `active`, and execute',
    level: 'MUST',
    requirements: ['AAP-2.3-STATE.expired', 'AAP-2.3-STATE.revoked'],
    sections: ['2.3', '2.4', '4.5'],
    analysis: `**What the spec requires.** Once an agent's session TTL or max lifetime has run out it is \`expired\`:
it cannot authenticate until it is reactivated through \`POST /agent/reactivate\`, and status reports it
as expired. Past the absolute lifetime it is \`revoked\` for good.

**What the server did.** After a clock ran out (the control adapter moves the plugin's own stored deadline
into the past, exactly what an hour of inactivity or the lifetime produces) status kept answering
\`active\` throughout the check's polling, for the session, max and absolute clocks alike. The plugin
stores \`active\` and only reconsiders the clocks when the agent next presents its own JWT, and then, as
the workaround lets the suite observe, it reactivates the agent silently: an execution by an agent whose
session TTL had run out succeeded where \`403 agent_expired\` was expected. Every reactivation check needs
an expired agent first and stops there with a precondition error (see "Not judged"), as do the expiry
steps of the lifecycle model check. (\`expiry.execute-code\` is the SHOULD-level check; the MUST checks
stop at the status answer before they execute.)`,
    key: both(labelled('control: expire-agent'), lastStatus),
    checks: {
      'server.lifecycle.expiry.session-clock': {
        how: 'After the operator ran out the session clock, status still reported `active`.',
      },
      'server.lifecycle.expiry.max-clock': {
        how: 'After the operator ran out the max-lifetime clock, status still reported `active`.',
      },
      'server.lifecycle.expiry.absolute-clock': {
        how: 'After the operator ran out the absolute lifetime, status still reported `active`, not `revoked`.',
      },
      ...stateCells(
        ['active', 'grant-pending', 'grant-denied', 'autonomous'],
        ['on-expire-session', 'on-expire-max', 'on-expire-absolute'],
        'The transitions walked from an active agent: after the operator ran out the clock, status still reported `active`.',
      ),
      'server.lifecycle.expiry.execute-code': {
        how: 'After the operator ran out the session clock, the agent executed as if nothing had happened.',
        key: both(labelled('control: expire-agent'), labelled('execute')),
      },
    },
    recognise: (check) =>
      says(check, /expected status "(expired|revoked)", got 200 with status "active"/)
        ? 'Status reported `active` after the operator ran out one of its clocks.'
        : undefined,
  },
  {
    number: 15,
    title: 'Malformed requests answered without the `error` member',
    level: 'MUST',
    requirements: ['AAP-5.13-01'],
    sections: ['5.13'],
    analysis: `**What the spec requires.** Every error answer of every endpoint is a JSON object with a snake_case
\`error\` code and a \`message\`; a body that is not JSON, lacks a required field or has a wrong type is
\`400 invalid_request\`.

**What the server did.** better-auth validates request bodies before the plugin sees them and answers
\`400 {"message", "code": "BAD_REQUEST" | "VALIDATION_ERROR"}\`: the status is right, the \`error\` member
is missing. This covers malformed JSON on every POST endpoint, missing required fields (\`name\` of
registration, \`agent_id\` of reactivation, \`capabilities\`, \`capability\`, \`public_key\`, \`token\`,
describe's \`name\` query parameter) and an undefined \`mode\`. The missing-field probes of execution and request-capability are
observed too: an execute body without \`capability\` and a request-capability body without
\`capabilities\` get the same shape.`,
    key: withoutErrorMember,
    checks: {
      'server.errors.format-register': { how: 'Malformed JSON and a body without `name`.' },
      'server.errors.format-revoke': {
        how: 'Malformed JSON. (The body without `agent_id` got an answer in the §5.13 format: `invalid_request`.)',
      },
      'server.errors.format-reactivate': { how: 'Malformed JSON and a body without `agent_id`.' },
      'server.errors.format-request-capability': { how: 'Malformed JSON and a body without `capabilities`.' },
      'server.errors.format-rotate-key': { how: 'Malformed JSON and a body without `public_key`.' },
      'server.errors.format-rotate-host-key': { how: 'Malformed JSON and a body without `public_key`.' },
      'server.errors.format-capability-describe': { how: 'Describe without the `name` query parameter.' },
      'server.errors.format-execute': { how: 'Malformed JSON and a body without `capability`.' },
      'server.errors.format-introspect': { how: 'Malformed JSON.' },
      'server.registration.unknown-mode-rejected': { how: 'A registration with an undefined `mode`.' },
      'server.lifecycle.reactivate.missing-agent-id': { how: 'Reactivation without `agent_id`.' },
      'server.introspection.missing-token': {
        how: 'Introspection with an empty body (RUL-INTROSPECT-ANSWERS allows `400 invalid_request` or `200 {"active": false}`).',
      },
      'server.execution.missing-capability': { how: 'Execution without `capability`.' },
    },
    recognise: (check) =>
      says(check, /"error" is undefined, not a string/) || says(check, /"code":"(VALIDATION_ERROR|BAD_REQUEST)"/)
        ? "better-auth's validator answered without the `error` member."
        : undefined,
  },
  {
    number: 16,
    title: 'Agent key rotation accepts a key that is not Ed25519',
    level: 'MUST',
    requirements: ['AAP-5.8-04'],
    sections: ['5.8', '4.1'],
    analysis: `**What the spec requires.** The replacement \`public_key\` of \`POST /agent/rotate-key\` is an Ed25519
public JWK; one that is not (here an \`x\` of 3 bytes) is refused with \`400\`, and the current key stays in
force.

**What the server did.** The rotation to the malformed key was accepted and the agent stays \`active\`,
which leaves the agent with a key no signature can match.`,
    checks: {
      'server.key-rotation.agent.rejects-malformed-key': { how: 'The rotation to a 3-byte `x` was accepted.' },
    },
  },
  {
    number: 17,
    title: 'Key delivery mode not fixed at registration',
    level: 'MUST',
    requirements: ['AAP-8.7-06'],
    sections: ['8.7'],
    analysis: `**What the spec requires.** A host registered with an inline key must not later present a JWKS URL
(nor the reverse); such host JWTs are refused.

**What the server did.** A host registered with \`host_public_key\` sent a status request whose host JWT
carries \`host_jwks_url\` (an unresolvable \`.invalid\` URL) and no inline key: it was accepted, verified
against the stored inline key.`,
    checks: {
      'server.key-rotation.key-delivery.inline-host-presents-jwks-url': {
        how: 'The status poll with `host_jwks_url` in the host JWT was answered.',
      },
    },
  },
  {
    number: 18,
    title: "Revoked host's JWTs answered `agent_not_found`",
    level: 'MUST',
    requirements: ['AAP-5.10-01', 'AAP-5.13-ERR.host_revoked'],
    sections: ['5.10', '4.5.1', '5.13'],
    analysis: `**What the spec requires.** Once a host is revoked (by itself through \`POST /host/revoke\`, or out of
band by its user) its host JWTs are refused: \`403 host_revoked\`, or \`401 invalid_jwt\`, which the checks
tolerate.

**What the server did.** Revocation itself works: \`POST /host/revoke\` revoked the host and its agents,
and the host's agents were refused afterwards with \`403 agent_revoked\` (those checks pass). But a status
request with the revoked host's JWT was answered \`401 agent_not_found\`, a code naming a different
condition (the agent exists; its host is revoked). The same answer came after the operator revoked the
host out of band. The plugin no longer finds a revoked host by the token and reports that as an unknown
agent, as for a never-seen host (deviation 7).`,
    key: both(labelled('revoke host'), labelled('control: revoke-host'), keyExchanges),
    checks: {
      ...stateCells(
        ['host-revoked'],
        ['on-host-revoke', 'on-host-rotate-key'],
        'The transitions walked from a revoked host: its revocation of itself again and its key rotation were refused with `401 agent_not_found`.',
      ),
      ...stateCells(
        ['host-revoked'],
        ['status', 'reactivate', 'revoke', 'rotate-key'],
        'The state walk: after the host revoked itself, each host-authenticated request about its agent was refused with `401 agent_not_found`.',
      ),
      'server.lifecycle.model.random-command-sequences': {
        how: `The model-based lifecycle walk (its expectations are the state table's) shrinks its counterexample
to \`revoke-host\` then \`revoke\` of an agent: the revoked host's request was refused with \`401
agent_not_found\` (its message names the generated case and how to reproduce it).`,
      },
      'server.lifecycle.host-revoke.host-refused': {
        how: 'The host revoked itself; its next status poll was refused with the code of a missing agent.',
      },
      'server.lifecycle.host-revoke.host-revoked-code': {
        how: 'The same sequence, judged on the error code: `agent_not_found` where §5.13 names `host_revoked`.',
      },
      'server.lifecycle.host-revoke.out-of-band': {
        how: 'The operator revoked the host; its agents were refused correctly, its own status poll with `agent_not_found`.',
      },
    },
  },
  {
    number: 19,
    title: "Deleting a user revokes none of the user's hosts and agents",
    level: 'MUST',
    requirements: ['AAP-2.6-01', 'AAP-2.6-02'],
    sections: ['2.6'],
    analysis: `**What the spec requires.** Deleting a user revokes every host linked to the user and every agent
under those hosts; their tokens are refused afterwards (\`403 agent_revoked\` / \`host_revoked\`, or
\`401 invalid_jwt\`).

**What the server did.** After better-auth deleted the user (through its own \`POST /delete-user\`), the
control adapter found the user's host and its agents unrevoked (the \`hosts_revoked\` and
\`agents_revoked\` counts of its answer), and the first agent's next execution was refused with
\`401 autonomous_owner_required\`: the plugin treats the delegated agent as if it were autonomous and finds
no owner, instead of the agent being revoked.`,
    checks: {
      ...stateCells(
        ['user-deleted'],
        [
          'execute-subject',
          'execute-other',
          'request-capability',
          'status',
          'reactivate',
          'revoke',
          'rotate-key',
          'introspect',
          'list',
          'describe',
          'register-same-key',
          'register-new',
        ],
        "The state walk: after the operator deleted the host's user, the host still acted (status, reactivation, revocation, key rotation, registration all served) and introspection called the agent active, while its agent's own requests got `401 autonomous_owner_required`.",
      ),
      ...stateCells(
        ['user-deleted'],
        [
          'on-approve',
          'on-deny',
          'on-expire-session',
          'on-expire-max',
          'on-expire-absolute',
          'on-host-rotate-key',
          'on-link',
        ],
        "The transitions walked from a deleted user's agent: the host could still read status after the event, and it reported the agent `active`.",
      ),
      ...stateCells(
        ['user-deleted'],
        ['on-host-revoke'],
        'The host whose user was deleted could still revoke itself (`200`): it had never been revoked.',
      ),
      ...stateCells(
        ['active', 'pending', 'grant-pending', 'grant-denied'],
        ['on-user-delete'],
        'The operator deleted the user the host was linked to; the host could still read status, which reported the agent unchanged (`active`, or `pending`) instead of revoked.',
      ),
      'server.lifecycle.user-deletion.cascades': {
        how: "The operator deleted the host's user; nothing was revoked and the agent's next execution got an owner error.",
        key: both(labelled('control: delete-user'), keyExchanges),
      },
    },
  },
  {
    number: 20,
    title: 'Refused agent JWTs answered `agent_not_found` or `jti_replay`',
    level: 'MUST',
    requirements: ['AAP-5.13-ERR.invalid_jwt'],
    sections: ['4.5', '4.6', '5.13'],
    analysis: `**What the spec requires.** An agent JWT whose \`sub\` names no agent, or whose \`jti\` was already
used, is refused. Per RUL-TOKEN-REFUSAL-CODE (added by the workaround triage) every agent JWT refused by
the §4.5 verification is an invalid token, \`401 invalid_jwt\`; §5.13's permission for additional codes
covers conditions its tables leave out, not a replacement for a listed one.

**What the server did.** Both tokens were refused with the right HTTP status, 401 (the security property
holds), but with the codes \`agent_not_found\` (unknown \`sub\`) and \`jti_replay\` (second use of a token
that had just been accepted), on execute and request-capability alike. A client following §5.13 falls
back to the status; one that switches on \`invalid_jwt\` does not recognise them.`,
    checks: {
      'server.jwt.agent.execute.unknown-agent': { how: 'An execution whose agent JWT names an unknown `sub`.' },
      'server.jwt.agent.request-capability.unknown-agent': {
        how: 'A capability request whose agent JWT names an unknown `sub`.',
      },
      'server.jwt.agent.execute.jti-replayed': {
        how: 'The second use of an agent JWT whose first use executed (the exchange before it).',
        key: labelled('execute', 2),
      },
      'server.jwt.agent.request-capability.jti-replayed': {
        how: 'The second use of an agent JWT whose first use was answered (the exchange before it).',
        key: labelled('request capability', 2),
      },
      'server.jwt.agent.execute.time-boundaries': {
        how: 'An agent JWT accepted inside its lifetime, sent again, was refused as `jti_replay`.',
      },
      'server.jwt.agent.execute.jti-concurrent-replay': {
        how: 'Of copies of one agent JWT sent at the same instant, one executed and the others were refused as `jti_replay`.',
      },
    },
    recognise: (check) =>
      says(check, /expected HTTP 401 with error "invalid_jwt", got 401/) && says(check, /agent_not_found|jti_replay/)
        ? 'A refused agent JWT was answered with `agent_not_found` or `jti_replay` instead of `invalid_jwt`.'
        : undefined,
  },
  {
    number: 21,
    title: 'The agent JWT `capabilities` claim is ignored at execution',
    level: 'MUST',
    requirements: ['AAP-4.3-07', 'AAP-4.5-STEP11'],
    sections: ['4.3', '4.5'],
    analysis: `**What the spec requires.** When an agent JWT carries a \`capabilities\` claim, the server refuses any
capability outside that list, even one the agent holds a grant for (\`403 capability_not_granted\` per
RUL-CAPABILITIES-CLAIM-CODE).

**What the server did.** An agent holding \`list_accounts\` executed it with an unrestricted token and with a
token whose claim lists it, and also with a token whose claim lists only \`check_balance\`: that execution
ran too, with the account list. Per the plugin source the claim narrows the grants the plugin puts into
the agent's session, but the execute endpoint looks the grants up again in its store, where the claim
plays no part.`,
    key: labelled('execute', 3),
    checks: {
      'server.execution.capabilities-claim.refused': {
        how: 'The third execution, whose claim does not list the capability, ran (MUST: refused).',
      },
      'server.execution.capabilities-claim.code': {
        how: 'The same executions, judged on the answer code (SHOULD: `403 capability_not_granted`).',
      },
    },
  },
  {
    number: 22,
    title: 'Unfinished async execution answered `200` instead of `202`',
    level: 'MUST',
    requirements: ['AAP-5.11-03'],
    sections: ['5.11', '2.15'],
    analysis: `**What the spec requires.** The first answer to an execution that has not finished is \`202 Accepted\`
with \`status: "pending"\` and a \`status_url\` to poll (MUST under RUL-ASYNC-STATUS-CODES).

**What the server did.** The body was right (status pending, a \`status_url\` and a retry hint) but the
HTTP status was \`200\`. The plugin hands the 202 to better-auth in a form better-auth 1.7 does not apply
(see the target's README); the later polls and the completed and failed shapes pass.`,
    checks: {
      'server.execution.async.pending': { how: 'The first answer to the async capability came with status 200.' },
    },
  },
  {
    number: 23,
    title: 'Executing a removed capability answered `404 capability_not_found`',
    level: 'SHOULD',
    requirements: ['AAP-2.12-03'],
    sections: ['2.12'],
    analysis: `**What the spec requires.** When the server stops offering a capability an agent holds a grant for,
executing it is refused with \`403 capability_not_granted\` (RUL-REMOVED-CAPABILITY); \`404
capability_not_found\` is tolerated as a warning.

**What the server did.** An agent granted one of the target's spare capabilities executed it; after the
operator removed it from the plugin's capability set, the next execution got \`404 capability_not_found\`.
The refusal itself is right (\`server.execution.removed-capability.refused\` passes).`,
    checks: {
      'server.execution.removed-capability.code': {
        how: 'The execution before the removal ran; the one after it was refused with `404 capability_not_found`.',
        key: labelled('execute', 2),
      },
    },
  },
  {
    number: 24,
    title: 'A host default capability is granted on the spot at execution',
    level: 'SHOULD',
    requirements: ['AAP-5.11-02'],
    sections: ['1.5', '5.11'],
    analysis: `**What the spec requires.** The location executes a capability only for an agent with an active grant
for it. §1.5 calls a host's default capabilities pre-authorized, so per RUL-HOST-DEFAULT-EXECUTION (added
by the workaround triage) a server that creates the grant for a default capability when the agent first
executes it is tolerated with a warning; any other ungranted capability must be refused with
\`403 capability_not_granted\` (\`server.execution.not-granted\`, which passes: the high-risk capability was
refused that way).

**What the server did.** An agent approved for \`list_accounts\` only, under a host whose defaults the
operator set to \`list_accounts\` and \`check_balance\`, executed \`check_balance\` without ever requesting
it, and status afterwards lists an active \`check_balance\` grant. The plugin grants capabilities from the
host's defaults at execution time; an agent's grant list therefore does not tell what it can execute.`,
    checks: {
      'server.execution.not-granted-host-default': {
        how: 'The execution of the ungranted default capability ran; the status poll after it shows the new grant.',
        key: both(labelled('execute'), lastStatus),
      },
    },
  },
  {
    number: 25,
    title: "Registration without capabilities receives the host's default capabilities",
    level: 'MUST',
    requirements: ['AAP-5.3-07'],
    sections: ['5.3', '1.5'],
    analysis: `**What the spec requires.** A registration that leaves \`capabilities\` out creates an agent that holds
no capability; it asks for what it needs later through \`POST /agent/request-capability\` (§5.4). A host's
default capabilities decide which *requested* capabilities may be granted without asking a user; per
RUL-EMPTY-REGISTRATION they grant nothing the agent did not ask for, so such an agent has no active and no
pending grant.

**What the server did.** Under a host linked to the approving user, whose defaults the operator had set, a
delegated registration without a \`capabilities\` member answered \`status: "active"\` with an active grant
of the default capability, attributed to the user (the check stops at that answer). The plugin, when a
registration names no capability and the host has defaults, grants the host's whole default list. A client
therefore cannot register a least-privilege agent under such a host: leaving \`capabilities\` out yields
every default. (The agent being \`active\` is not the finding; its grant is.)`,
    checks: {
      'server.registration.no-capabilities-no-grants': {
        how: 'The operator set the host defaults; the registration without `capabilities` after that came back with an active grant.',
        key: both(labelled('control: set-host-defaults'), labelled('register')),
      },
    },
  },
  {
    number: 26,
    title: "Pending host's key rotation answered `401 agent_not_found` instead of `403 host_pending`",
    level: 'MUST',
    requirements: ['AAP-5.13-ERR.host_pending', 'AAP-4.5.1-STEP8'],
    sections: ['4.5.1', '5.13'],
    analysis: `**What the spec requires.** A host still waiting for its first approval may do nothing but register
(§4.5.1 step 8); any other host-authenticated request is refused, and §5.13 names the answer:
\`403 host_pending\`, telling the client to wait for the approval. The check uses \`POST /host/rotate-key\`,
a request about the host itself, and leaves status polling out, since RUL-PENDING-HOST-STATUS lets a
pending host poll its own pending agents.

**What the server did.** A never-seen host's delegated registration answered \`pending\`; the same host's
JWT on \`POST /host/rotate-key\` was refused, as step 8 wants, but with \`401 agent_not_found\`, a code about
a missing agent in a request that names no agent, and a status that calls the token invalid rather than
the host unapproved. Per the plugin source, its authentication hook lets a pending host through to status
only and answers every other host-JWT request of a pending host with \`agent_not_found\`, the code it also
gives revoked hosts (deviation 18); the plugin defines \`host_pending\` but never sends it. This is not
deviation 2: there the rotation endpoint itself, reached by an approved host, looks the host up by
database id and answers \`404 host_not_found\`; here the request is refused before it reaches the endpoint.`,
    checks: {
      ...stateCells(
        ['pending-host'],
        ['on-host-revoke', 'on-host-rotate-key'],
        'The transitions walked from a pending host: its revocation of itself and its key rotation were refused with `401 agent_not_found` instead of `403 host_pending` (or, for revocation, done).',
      ),
      ...stateCells(
        ['pending-host'],
        ['reactivate', 'revoke', 'rotate-key'],
        "The state walk: the pending host's reactivation, revocation or key rotation of its pending agent was refused with `401 agent_not_found`.",
      ),
      'server.errors.host-pending': {
        how: "The host's registration is pending; its key rotation was refused with the code of a missing agent.",
        key: allRequests,
      },
    },
  },
  {
    number: 27,
    title: '`default_location` accepted as the audience of requests that are not executions',
    level: 'MUST',
    requirements: ['AAP-4.5.1-STEP3', 'AAP-4.3-06', 'AAP-4.5-STEP3', 'AAP-8.18-01'],
    sections: ['4.3', '4.5', '4.5.1', '8.18'],
    analysis: `**What the spec requires.** A host JWT is addressed to the server's issuer, and so is an agent JWT
for every request other than an execution (whose audience is the capability's location, RUL-EXEC-AUD).
The server compares \`aud\` with the value it expects exactly (§8.18): a token addressed to another URL of
the same server is a token for another purpose, and refused with \`401 invalid_jwt\`.

**What the server did.** Among audiences that are other URLs of the same server (the issuer with a
trailing slash, the bare origin, endpoint URLs, altered paths), it refused all but one: a token whose
\`aud\` is its \`default_location\` (the issuer plus \`/capability/execute\`) was accepted for a
registration (host JWT) and for a capability request (agent JWT). The plugin accepts either of its two
audiences on every endpoint instead of the one each request is for.`,
    checks: {
      'server.jwt.host.register.aud-near-misses': {
        how: 'Among the generated audiences, the registration with `aud` = `default_location` was accepted.',
      },
      'server.jwt.agent.request-capability.aud-near-misses': {
        how: 'Among the generated audiences, the capability request with `aud` = `default_location` was accepted (answered as a request, `409 already_granted`, not refused as a token).',
      },
    },
  },
  {
    number: 28,
    title: "A revoked host's key registers new agents",
    level: 'MUST',
    requirements: ['AAP-2.11-04'],
    sections: ['2.11', '5.3'],
    analysis: `**What the spec requires.** A host in a terminal state must not be used to register agents (§2.11):
once revoked, a registration signed with its key is refused (\`403 host_revoked\`).

**What the server did.** After the host revoked itself, a registration signed with the same host key (for
a fresh agent key, and for the revoked agent's own key) was answered \`200\` with \`status: "pending"\`: the
plugin no longer finds the revoked host by its key and starts a new pending host for it, as for a key it
has never seen, so the revoked key comes back as a host that a user may approve again.`,
    checks: stateCells(
      ['host-revoked'],
      ['register-new', 'register-same-key'],
      'The state walk: the host revoked itself, then registered an agent with the same host key and got a pending agent instead of `403 host_revoked`.',
    ),
  },
  {
    number: 29,
    title: "Re-registering a claimed agent's key answered `400 unsupported_mode`",
    level: 'SHOULD',
    requirements: ['AAP-5.13-ERR.register.agent_exists'],
    sections: ['5.3', '5.13'],
    analysis: `**What the spec requires.** Registering again the key of an agent that is not pending should be
answered \`409 agent_exists\` (RUL-AGENT-EXISTS-LEVEL scores any other refusal as a warning), so that the
client learns the key is taken.

**What the server did.** Once its host was linked and the autonomous agent claimed, registering the same
agent key again as an autonomous agent was refused with \`400 unsupported_mode\`: the plugin refuses an
autonomous registration from a linked host before it looks at the key, so the answer names the mode and
not the taken key. Nothing was created, so only the code is wrong.`,
    checks: stateCells(
      ['claimed'],
      ['register-same-key'],
      "The state walk: after the claim, re-registering the claimed agent's key was refused with `400 unsupported_mode`.",
    ),
  },
];

/** Why checks ended in `error`, `skipped` or `not-applicable`: the first entry that applies explains a check. */
export const UNJUDGED_CAUSES: { applies: (check: CheckResult) => boolean; cause: string }[] = [
  {
    applies: (check) =>
      check.exchanges.some((exchange) => exchange.response?.status === 429) || says(check, /answered 429\b|\(429 /),
    cause:
      'The target\'s rate limiter answered `429` (see "Shared cause"): the check never reached the behaviour it observes.',
  },
  {
    applies: (check) =>
      check.status === 'error' && says(check, /not expired|"active", not expired|expected status "expired"/),
    cause:
      'Deviation 14: the check needs an expired agent first, and status still reports `active` after the operator ran out its clock.',
  },
  {
    applies: (check) =>
      check.status === 'error' &&
      check.cell?.state === 'absolute-revoked' &&
      says(check, /expected status "revoked", got 200 with status "active"/),
    cause:
      'Deviation 14: the state walk needs an agent past its absolute lifetime (revoked), and status still reports `active` after the operator ran out that clock.',
  },
  {
    applies: (check) => says(check, /does not offer "advance-clock"/),
    cause:
      "The control adapter answers `advance-clock` with 501: the plugin reads the process clock directly and has no clock hook (faking it would move better-auth's sessions and jose's checks too).",
  },
  {
    applies: (check) => says(check, /does not offer "unlink-host"/),
    cause:
      'The control adapter answers `unlink-host` with 501: the plugin cannot unlink a host from its user (§2.9 lets a server require revocation instead).',
  },
  {
    applies: (check) => says(check, /cannot deny some pending grants/),
    cause:
      "The control adapter answers a `deny` naming only some pending grants with 501: the plugin's approval endpoint cannot deny some grants and keep the others pending.",
  },
  {
    applies: (check) => says(check, /jwksLoopbackAllowed/),
    cause:
      'The plugin fetches JWKS only over https from non-loopback hosts and has no operator switch, so the profile cannot declare `jwksLoopbackAllowed` and a harness-served JWKS cannot be used (RUL-JWKS-LOOPBACK).',
  },
  {
    applies: (check) => says(check, /declares no reachable rate limit/),
    cause:
      "The profile declares no reachable rate limit (RUL-RATE-LIMIT-OBSERVABILITY). It serves both published runs: under the conformance settings better-auth's limiter is off, since all harness traffic comes from one loopback address.",
  },
  {
    applies: (check) => says(check, /no active agent with pending grants/),
    cause:
      'The target never yields an active agent with pending grants: a registration that needs approval for some grants leaves the whole agent pending.',
  },
  {
    applies: (check) => says(check, /answers unauthenticated listing with 200/),
    cause: 'The server lists capabilities without authentication, so there is no challenge to examine.',
  },
  {
    applies: (check) => says(check, /advertises both modes/),
    cause: 'Both modes are advertised, so no supported mode can be refused.',
  },
  {
    applies: (check) => says(check, /tolerates no clock skew on exp/),
    cause: 'No skew margin on `exp` to replay in (RUL-REPLAY-WINDOW; see deviation 8).',
  },
];

/** How the target ran in each published certification, and how to run it again. */
export const SETTINGS: Record<
  TargetSettings,
  { title: string; description: string; reproduce: string; directory: string }
> = {
  conformance: {
    title: 'conformance findings',
    directory: 'reports/better-auth-agent-auth-0.6.2',
    description: `The target runs with the two protection settings a conformance run cannot live with lifted:
better-auth's rate limiter is off (it allows 10 registrations per minute per client address, and all
harness traffic comes from one loopback address) and the plugin's cap of 25 live agents per user is off
(\`maxAgentsPerUser: 0\`). Everything else is as the plugin ships it, configured as
\`examples/better-auth/README.md\` describes. The same target with both settings as the library ships them
is certified beside this run, in \`library-defaults/\`.`,
    reproduce: 'npm run certify:better-auth',
  },
  'library-defaults': {
    title: 'findings with the library defaults',
    directory: 'reports/better-auth-agent-auth-0.6.2/library-defaults',
    description: `The same target as the conformance certification in the parent directory, with one difference:
the two protection settings are as the library ships them. better-auth's rate limiter is on (the library
turns it on in production only, so the target turns it on explicitly) with the plugin's rules (10
registrations per minute per client address on \`/agent/register\`) and better-auth's own (3 sign-ins per 10
seconds), and the plugin's cap of 25 live agents per user applies. This is how a deployment that did not
tune either setting answers a conformance run. The profile and the declared workaround are the same; the
run has no baseline, since the baseline records the deviations of the conformance settings.`,
    reproduce: 'npm run certify:better-auth -- --settings library-defaults',
  },
};

/**
 * The shared cause of the library-defaults run, after the counts findings.ts takes from the report:
 * why the limiter answers, and how to run the suite against such a deployment (Markdown).
 */
export const RATE_LIMIT_ANALYSIS = `The plugin contributes its own rules to better-auth's limiter (\`buildRateLimits\` in
\`@better-auth/agent-auth\`): 10 requests per 60 s per client address on \`/agent/register\`, 5 on
\`/agent/rotate-key\` and \`/agent/approve-capability\`, 300 on status polling and 60 on every other
\`/agent/*\` and \`/capability/*\` path; better-auth itself allows 3 sign-ins or sign-ups per 10 s. A
conformance run registers agents in almost every check, all from one address and many more than ten a
minute. The harness meets that by running a throttled check again once the limiter's wait is over, with no
other check started meanwhile, so the run proceeds at the limiter's pace (about ten registrations a minute)
instead of ending in errors; the verdicts above are the same deviations as the conformance run's. What stays
throttled is what cannot fit the limiter's minute: a check that registers more than ten agents in one go (the
property and concurrency checks), and operator approvals, which the control adapter makes through the
plugin's approval endpoint (five a minute) and whose refusal it passes on without the limiter's wait. Each
such check ends in a precondition error naming the throttled request, not in a failure of its own
requirements: the limiter is the deployment declining to serve, not a deviation, and §8.13 asks servers to
rate limit.

To certify a deployment that keeps its limiter on, give the conformance run room without turning the
limiter off for everyone:

- **Raise the limit for the run's client only.** better-auth's \`rateLimit.customRules\` takes, per path, a
  rule or a function of the request that returns a rule or \`false\` (no limit), and it overrides the
  plugin's rules: e.g. \`'/agent/register': (request, rule) => fromConformanceRunner(request) ? false : rule\`,
  with the same for \`/sign-in/*\` if the control adapter signs users in, where \`fromConformanceRunner\`
  recognises the runner's address (better-auth keys its limits by the address it reads through
  \`advanced.ipAddress\`). The plugin's own \`rateLimit\` option raises a rule for every client instead.
- **Run against a staging configuration.** The same code with \`rateLimit: { enabled: false }\` (what the
  conformance settings of this target do), or with higher limits, on a staging instance; then certify the
  limiter separately against the production settings by declaring a reachable limit in the profile
  (\`"rateLimit": {"burst": n}\`: a burst of n capability listings from one agent must meet a 429; the
  plugin's rule for \`/capability/*\` allows 60 a minute), which lets the rate-limit checks
  (RUL-RATE-LIMIT-OBSERVABILITY) drive the burst and judge the answer.`;

/** Why the per-user agent cap does not show in the library-defaults run (Markdown, after the count of its answers). */
export const AGENT_CAP_ANALYSIS = `The plugin's cap of 25 live agents per user (\`agent_limit_reached\` beyond it) is not what
stops this run, and would not stop a run the limiter let through: the harness revokes every host a check
registered agents under when the check ends (unless \`--keep\` leaves them), so the default approving
user holds only the live agents of the checks running at that moment, not the hundreds the run registers. The
simulator's test of running the suite twice against a cap of 25 (\`simulate --max-agents-per-user\`) never
meets it either.`;

/** The declared workarounds of the profile, what the report does not say about them (Markdown), by member name. */
export const WORKAROUND_NOTES: Record<string, string> = {
  agentJwtIssuer: `The plugin refuses every agent JWT whose \`iss\` is the host key thumbprint, the value §4.3
prescribes, and accepts only its own database host id there (deviation 3). Run as the spec says, the
suite's simulated client fails at its first agent request in every check that authenticates an agent
(98 checks when the workaround was introduced), whose own requirements are then never observed on this
target. With the workaround, agent JWTs minted by the harness carry the \`host_id\` the server answered at
registration as \`iss\`. Nothing else changes: host JWTs, keys, claims and every other request are as
before, and targets whose profile declares no workaround get the spec's thumbprint as always.

- **Deviation 3 is still tested and failed.** \`server.jwt.agent.execute.thumbprint-iss-accepted\` sends the
  thumbprint explicitly and fails; it then sends the same request with the host id and notes the answer.
  \`server.jwt.agent.*.foreign-host-agent\` send another host's agent's token with this host's thumbprint
  *and* with its host id (both must be refused), and \`server.key-rotation.host.agents-keep-working\`
  would execute with the new thumbprint as well as the host id (it stops earlier, at deviation 2).
- **Every report says so.** \`report.json\` lists the workaround with its reason in \`workarounds\`;
  \`report.md\` and \`report.html\` open with a "Workarounds active" notice, \`junit.xml\` carries it as a
  testsuite property, and the CLI prints it on stderr with its closing lines (also with \`--quiet\`) and,
  without \`--quiet\`, before the first check.
- **What the results mean.** The verdicts describe the plugin as seen by a client that names hosts the
  way the plugin wants. A client that follows §4.3 cannot authenticate any agent at all.`,
};

/**
 * What the triage of this target changed in the suite, and the rulings it added (Markdown). History:
 * the effects name the runs before each fix, not the run the report holds.
 */
export const SUITE_HISTORY = `## Suite defects found and fixed

Found while triaging earlier certifications of this target; the effects describe the runs before each
fix, not the run above.

| Defect | Effect before the fix | Fix | Files |
|---|---|---|---|
| The control adapter could provision the default approving user twice when two control requests for a new user arrived together | 3 checks ended in harness \`error\` ("signed up as <random id> instead of usr_conformance_approver") | provisioning of one user id is serialised | \`examples/better-auth/users.ts\` |
| The target kept the plugin's cap of 25 active agents per user, and the harness left what checks registered in place | from the 26th approval on, registrations were refused with \`agent_limit_reached\`; 10 lifecycle checks failed or skipped for it | cap lifted (\`maxAgentsPerUser: 0\`) for conformance runs; since then the harness also revokes what each check registered | \`examples/better-auth/auth.ts\`, \`README.md\` |
| Fixture host keys had no \`kid\`, so every fixture depended on how a server identifies hosts | deviation 1 made 170 checks fail at "agent still not active after operator approval", recording failures against requirements never observed | fixture host keys (and rotated host keys) carry \`kid\` = thumbprint, a common conformant client choice that leaves \`iss\` unchanged; identification by thumbprint alone got dedicated checks | \`src/harness/client.ts\`, \`suites/server/jwt/identity.ts\`, \`suites/server/jwt/index.ts\` |
| The agent-JWT defect checks had no positive control | with fixtures working, a server refusing every agent JWT would have passed the 32 "refuses a defective agent JWT" checks and the agent-JWT replay checks | each probe first sends a correct token and requires it to be accepted | \`suites/server/jwt/probes.ts\` |
| Same gap in \`lifecycle.pending.execute-refused\`, \`lifecycle.rejected.execute-refused\`, \`execution.stream.requires-valid-token\` | these passed on this target only because every agent JWT is refused | an active agent (or the same agent with a correct token) must execute first | \`suites/server/lifecycle/pending-and-rejected.ts\`, \`suites/server/execution/stream.ts\` |
| A \`501\` answer of a supported control operation was scored as a harness \`error\` | \`server.approval.denied-grant-reason\` errored on the adapter's documented 501 | 501 (the contract's "not supported") skips the check with the adapter's reason | \`src/harness/control.ts\` |
| List/describe error-format checks demanded \`401 invalid_jwt\` for a failed bearer token, a case the spec leaves open | MUST failures for a behaviour no sentence forbids | new ruling RUL-OPTIONAL-AUTH-BAD-TOKEN: the anonymous answer is tolerated there (with a note) and scored as a warning by a new SHOULD check; leaking authenticated content still fails | \`suites/server/errors/format.ts\`, \`suites/server/errors/endpoints.ts\`, \`suites/server/capabilities/bad-token.ts\`, \`spec/rulings.yaml\` |
| \`skew-future-iat-accepted\` warned when a server grants no skew, against the catalogue's own reading of §8.2 (a cap) | SHOULD warnings for conformant behaviour | new ruling RUL-SKEW-TOLERANCE; the check is MAY (informational) | \`suites/server/jwt/replay-and-skew.ts\`, \`spec/rulings.yaml\` |
| Profile and target could not exercise failure shapes and capability removal | \`execution.async.failed\`, \`execution.stream.error-event\` not applicable; \`removed-capability.*\` skipped for want of a spare capability | \`generate_report\` \`{"fail": true}\` and a \`fail\` input of \`stream_transactions\` (an SSE \`error\` event) declared as \`failureArguments\`; two spare capabilities (\`list_branches\`, \`get_exchange_rate\`) | \`examples/better-auth/capabilities.ts\`, \`examples/better-auth/profile.json\`, \`README.md\` |
| Control operations took ~0.6 s each (scrypt on every fresh sign-in) | a full run took ~50 s, too slow for a CI test on two shared cores | the throwaway test accounts hash their shared password with SHA-256 | \`examples/better-auth/auth.ts\` |
| Every agent JWT of the suite carried the thumbprint \`iss\` the plugin refuses (deviation 3) | 98 checks failed at their first agent request; their requirements were never observed | declared workaround: profile member \`workarounds\` (\`agentJwtIssuer: "host-id"\`), applied by the simulated client's \`agentToken\`; checks that test \`iss\` name the thumbprint explicitly; reports and CLI list active workarounds | \`src/harness/workarounds.ts\`, \`src/harness/client.ts\`, \`src/reports/*.ts\`, \`suites/server/jwt/*.ts\`, \`examples/better-auth/profile.json\` |
| \`thumbprint-iss-accepted\` relied on a manual probe outside the run to show that \`iss\` alone caused the refusal | the finding's key evidence was not in the report | under a declared issuer workaround the check repeats the refused request with the declared \`iss\` and notes the answer | \`suites/server/jwt/identity.ts\` |
| \`foreign-host-agent\` named this host only by its thumbprint, which this target refuses for every agent | with the workaround it would have passed without testing the host-agent binding of §4.5 step 5 | it sends the thumbprint token and, under the workaround, the host-id token; both must be refused | \`suites/server/jwt/agent-tokens.ts\`, \`suites/server/jwt/probes.ts\` |
| \`execution.not-granted\` executed the first profile capability the agent lacked, which on this target is one of the host's default capabilities, pre-authorized by §1.5 | its verdict depended on the server's policy for host defaults rather than on the grant check | it executes a capability outside the host defaults; the default-capability case is a new SHOULD check \`server.execution.not-granted-host-default\` under RUL-HOST-DEFAULT-EXECUTION | \`suites/server/execution/grants.ts\`, \`spec/rulings.yaml\` |

## Rulings added by the triage of this target

- **RUL-OPTIONAL-AUTH-BAD-TOKEN** (first triage) — a bearer token that fails verification on capability list
  or describe: \`401 invalid_jwt\` expected; the anonymous answer is a warning; authenticated content for it a
  failure (deviation 10).
- **RUL-SKEW-TOLERANCE** (first triage) — §8.2 caps the clock-skew allowance at 30 s but requires none;
  refusing a token 20 s ahead is informational only (deviation 8).
- **RUL-HOST-DEFAULT-EXECUTION** (workaround triage) — an ungranted capability outside the host's defaults is
  refused with \`403 capability_not_granted\`; granting one of the host's default capabilities on the spot at
  execution follows §1.5's pre-authorization but skips §5.11's grant step: a warning (deviation 24).
- **RUL-TOKEN-REFUSAL-CODE** (workaround triage) — an agent JWT refused by the §4.5 verification (unknown
  \`sub\`, replayed \`jti\`, ...) is answered \`401 invalid_jwt\`; another code for it fails the error-code
  requirement, and the check's message says that the token was refused (deviation 20).
- **RUL-EMPTY-REGISTRATION** — host defaults decide which requested capabilities need no user approval; a
  registration that requests none yields an agent with no active or pending grant, whatever the host's
  defaults (deviation 25).`;
