/**
 * The hand-written part of FINDINGS.md: what each deviation of `@auth/agent-cli` 0.4.5 is, why the
 * scenarios showing it fail, what could not be judged and why, and what looked wrong in the suite.
 * findings.ts joins it with the evidence of report.json, so the quotes always come from the run the
 * reports hold. A failed or warned scenario that no entry here claims is listed as "not yet analysed".
 *
 * Source references point into the client's repository (better-auth/agent-auth at the commit named
 * in README.md): `packages/sdk/src/…` is `@auth/agent`, `packages/cli/src/…` is `@auth/agent-cli`.
 */
import type { CheckResult, ClientReport } from '../../src/model/index.ts';

export interface Deviation {
  title: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  /** The requirements the client breaks (which may differ from those the failing scenarios cite). */
  requirements: string[];
  sections: string[];
  /** Markdown: what the client does, what the spec asks, where in its source. */
  analysis: string;
  /** Scenario id → how that scenario shows the deviation (Markdown); `extra` quotes more of its evidence. */
  scenarios: Record<string, { how: string; extra?: (check: CheckResult) => string[] }>;
  /**
   * Recognises the deviation in the evidence of a scenario that `scenarios` does not name (one added to the
   * suite since this analysis was written): returns how the scenario shows it, or undefined.
   */
  recognise?: (check: CheckResult) => string | undefined;
}

/** Whether a recorded request went to the simulator's registration endpoint. */
function isRegistration(check: CheckResult): boolean {
  return check.exchanges.some((exchange) => exchange.label?.endsWith(' register') === true);
}

/**
 * Deviation 1 in a scenario's evidence: some connect_agent call answered the `choose_mode` prompt and no
 * registration reached the simulator.
 */
export function stoppedByModePrompt(check: CheckResult): boolean {
  const prompted = (check.transcript?.entries ?? []).some(
    (entry) =>
      entry.kind === 'result' &&
      entry.tool === 'connect_agent' &&
      (entry.result?.json as { action_required?: unknown } | undefined)?.action_required === 'choose_mode',
  );
  return prompted && !isRegistration(check);
}

/** The discovery document's `version`, as the simulator answered it in this scenario. */
function discoveryVersion(check: CheckResult): string[] {
  const discovery = check.exchanges.find((exchange) =>
    exchange.request.url.endsWith('/.well-known/agent-configuration'),
  );
  const body = discovery?.response?.body;
  if (body === undefined) return [];
  try {
    const version = (JSON.parse(body) as { version?: unknown }).version;
    return [
      `Discovery answer (exchange #${discovery!.seq}, \`${discovery!.request.method} ${discovery!.request.url}\` → ${discovery!.response!.status}): \`"version": ${JSON.stringify(version)}\`.`,
    ];
  } catch {
    return [];
  }
}

export const DEVIATIONS: Deviation[] = [
  {
    title: 'connect_agent without `mode` registers nothing when the provider offers both modes',
    level: 'MUST',
    requirements: ['AAP-6.4-FIELD.mode', 'AAP-6.4-STEP4'],
    sections: ['6.4'],
    analysis: `\`mode\` is optional in §6.4 and defaults to \`"delegated"\`. When the provider's discovery
document lists both modes (the simulator offers \`["delegated","autonomous"]\`, as a server that supports
both does), \`connect_agent\` called without \`mode\` sends **no registration**: it answers with a normal,
non-error tool result \`{"action_required":"choose_mode", "options":[…], "instruction":"… Then call
connect_agent again with the chosen mode."}\` and no \`agent_id\`. The agent gets neither an agent nor an
error, so §6.4 steps 2–6 never run. With one mode advertised, or with \`mode\` given, it registers
normally (\`client.registration.fields-forwarded\`, which passes \`mode\`, passes).

Source: \`packages/sdk/src/tools.ts\`, the \`connect_agent\` tool: without \`mode\` it registers only when the
provider's configuration lists exactly one mode; otherwise (two modes, or discovery failed) it returns the
\`choose_mode\` prompt. This is a deliberate interaction design of the client,
but it replaces the default the spec defines.

Every scenario of this suite calls \`connect_agent\` as §6.4 defines it (provider, name, capabilities;
\`mode\` left to its default, except in \`fields-forwarded\`), so this one deviation decides most of the run:
the scenarios below fail on it, and the scenarios listed under "Not judged" end in \`error\` because the
agent they go on to use was never registered.`,
    scenarios: {
      'client.discovery.fetch-before-use': {
        how: `The discovery fetch did come first (exchange #1), so AAP-6.4-STEP1 itself holds; the scenario
fails on its second assertion, "registration (§6.4 step 4)": \`connect_agent\` answered the \`choose_mode\`
prompt and no \`POST /agent/register\` followed.`,
      },
      'client.registration.new-agent-key': {
        how: `Neither of the two \`connect_agent\` calls registered (both answered the \`choose_mode\` prompt), so
no agent key was sent at all. The cited AAP-6.4-STEP2/STEP3 (a fresh key per connection) are not what the
client breaks here; the missing registration is.`,
      },
      'client.registration.invalid-capabilities-surfaced': {
        how: `The client never sent the registration, so the simulator never answered \`invalid_capabilities\`;
\`connect_agent\` returned the \`choose_mode\` prompt as a success. AAP-6.4-STEP7 (naming the unknown
capability in the error) is therefore not what this run observed; the missing registration is.`,
      },
      'client.approval.stops-on-denial': {
        how: `No registration was sent, so there was no approval to deny and no status polling; \`connect_agent\`
returned the \`choose_mode\` prompt as a success, which the scenario reads as "the denial was not reported".
AAP-7.1-05 itself (no retry of a denied registration) holds trivially.`,
      },
      'client.registration.capability-constraints-forwarded': {
        how: `\`connect_agent\` (capabilities: one object with constraints, one bare name; no \`mode\`) answered the
\`choose_mode\` prompt and sent no registration, so whether the CLI forwards constraint objects
(AAP-6.4-FIELD.capabilities) was not observed; the failing assertion is "registration: expected 1..∞, saw 0".`,
      },
      'client.registration.widened-grant-flagged': {
        how: `No registration was sent, so the simulator never granted the widened constraint the scenario is about.
The warning on AAP-2.13-05/06 ("a grant wider than proposed is called wider") comes from the \`choose_mode\`
prompt not mentioning "wider"; the scenario's other assertion, on the registration's constraints, held only
because there was no registration to look at (see "Notes on the suite").`,
      },
      'client.registration.fresh-key-after-denial': {
        how: `Both \`connect_agent\` calls answered the \`choose_mode\` prompt: there was no first registration to deny
and no second one to compare keys with ("registrations of the second attempt: saw 0"). AAP-5.3-14 (a new
key after a denial) was not observed.`,
      },
      'client.approval.slow-down-slows-polling': {
        how: `No registration was sent, so no approval began and the simulator never answered \`slow_down\` ("status
polls after the slow_down: expected 2..∞, saw 0"). AAP-7.1-08 was not observed here; the CLI's source keeps
its interval after \`slow_down\` (see "Known behaviour this run could not judge").`,
      },
      'client.approval.slow-down-adds-five-seconds': {
        how: `The same as \`client.approval.slow-down-slows-polling\`: no registration, hence no approval and no
\`slow_down\` answer to react to ("status polls after the slow_down: saw 0").`,
      },
    },
    recognise: (check) =>
      stoppedByModePrompt(check)
        ? `\`connect_agent\` answered the \`choose_mode\` prompt and no registration reached the simulator, so the
behaviour the scenario observes never happened; its verdict on ${check.requirements.join(', ')} follows from that
missing registration, not from those requirements themselves.`
        : undefined,
  },
  {
    title: 'A discovery document of an unsupported major version is accepted and used',
    level: 'MUST',
    requirements: ['AAP-5.1.1-02', 'AAP-5.1.1-04'],
    sections: ['5.1.1'],
    analysis: `The simulator answered discovery with \`"version": "2.0-draft"\`. §5.1.1: if the major version is
unsupported, the client MUST stop and report the incompatibility to the agent. The CLI fetched the document
at start (\`--url\`) and kept it; \`connect_agent\` on that provider then answered the \`choose_mode\` prompt as a
successful result. Nothing told the agent the server is incompatible. No protocol request followed (the
scenario's count assertion holds), but only because of the \`choose_mode\` prompt of deviation 1, not because
of a version check.

Source: \`packages/sdk/src/discovery.ts\` accepts any 2xx JSON document that has \`version\`, \`issuer\` and
\`endpoints\`; \`version\` is never compared with a supported major.`,
    scenarios: {
      'client.discovery.unsupported-major-version': {
        how: `\`connect_agent\` against the version-2 server succeeded (with the \`choose_mode\` prompt) instead of
failing with an incompatibility error (AAP-5.1.1-04).`,
        extra: discoveryVersion,
      },
    },
  },
  {
    title: 'Redirects are followed up to twenty times instead of at most three',
    level: 'SHOULD',
    requirements: ['AAP-8.12-10'],
    sections: ['8.12'],
    analysis: `The simulator answered every discovery request with \`307\` pointing back at the same URL. §8.12 asks
clients to give up after three redirects; the CLI followed twenty before failing, on each of its discovery
attempts (at start for \`--url\`, and again for \`discover_provider\`), so the simulator saw 21 requests per
attempt instead of at most four.

Source: \`packages/sdk/src/discovery.ts\` calls \`fetch\` without a \`redirect\` option, so the WHATWG fetch
default applies: follow, up to twenty redirects. The same holds for the SDK's other requests, which also
leave redirect handling to \`fetch\`.`,
    scenarios: {
      'client.security.redirect-limit': {
        how: `Requests for the self-redirecting discovery document, counted by the simulator: at most four expected
(the first plus three redirects); the message quotes how many arrived.`,
      },
    },
  },
  {
    title: 'Capabilities listed and described without a host JWT',
    level: 'MUST',
    requirements: ['AAP-6.3-STEP1', 'AAP-6.3.1-STEP1'],
    sections: ['6.3', '6.3.1'],
    analysis: `\`list_capabilities\` and \`describe_capability\` call the server with a host JWT, or an agent JWT when
\`agent_id\` is given (§6.3 step 1, §6.3.1 step 1), so the server can show what that host may see. Before
any agent is connected the CLI sent both requests with no token at all.

Source: \`packages/sdk/src/client.ts\`. \`listCapabilities\` signs a host JWT only when a host identity is
already stored (a fresh state directory has none, and listing does not create one); \`describeCapability\`
attaches a token only for an \`agentId\` and never a host JWT.`,
    scenarios: {
      'client.capabilities.list-as-host': {
        how: 'The listing request carried no bearer token; the message names the request and its missing `typ`.',
      },
      'client.capabilities.describe-as-host': {
        how: 'The description request carried no bearer token; the message names the request and its missing `typ`.',
      },
    },
  },
  {
    title: 'A listing refused with 401 is not retried with a JWT',
    level: 'SHOULD',
    requirements: ['AAP-5.2-09'],
    sections: ['5.2'],
    analysis: `A server may require authentication for its capability listing and answers an anonymous request with
\`401\` (§5.2); a client then retries with a host or agent JWT. The CLI reported the 401 to the agent as an
error and sent no authenticated listing.

Source: \`packages/sdk/src/client.ts\`, \`listCapabilities\`: without a stored host identity the first request
goes without a token and a 401 ends the call; with one, a 401 makes it retry *without* the token, the
opposite fallback.`,
    scenarios: {
      'client.capabilities.list-retried-with-jwt-after-401': {
        how: 'The only listing request was anonymous; after its 401 none followed, and the tool call failed.',
      },
    },
  },
  {
    title: 'Capability descriptions are fetched again each time',
    level: 'SHOULD',
    requirements: ['AAP-10.6-03'],
    sections: ['10.6'],
    analysis: `Clients cache capability descriptions for a while (§10.6) instead of asking for the same one again at
once. Two \`describe_capability\` calls for one capability, seconds apart, made two requests.

Source: \`packages/sdk/src/client.ts\`, \`describeCapability\` requests the description on every call and
stores nothing.`,
    scenarios: {
      'client.capabilities.description-cached': {
        how: 'Two descriptions of one capability within seconds reached the simulator; at most one was expected.',
      },
    },
  },
  {
    title: 'Discovery is not fetched again after an endpoint answers 410',
    level: 'SHOULD',
    requirements: ['AAP-10.5-02'],
    sections: ['10.5'],
    analysis: `An endpoint that answers \`410 Gone\` tells the client its cached discovery document is out of date;
the client fetches discovery again before going on (§10.5). After the 410 the CLI made no new discovery
request. (Observed on the wire; the SDK's request code gives 410 no treatment of its own.)`,
    scenarios: {
      'client.discovery.refetched-after-unexpected-410': {
        how: 'The endpoint answered 410; no discovery request followed it.',
      },
    },
  },
  {
    title: 'A discovery document is fetched over plain http off loopback',
    level: 'SHOULD',
    requirements: ['AAP-8.12-07'],
    sections: ['8.12'],
    analysis: `Clients fetch discovery documents over https only (§8.12). Given a provider URL with the \`http\`
scheme on a non-loopback address of this machine, the CLI fetched the document from it.

Source: \`packages/sdk/src/discovery.ts\` adds \`https://\` only to input without a scheme; an explicit
\`http://\` URL is fetched as given.`,
    scenarios: {
      'client.security.discovery-https-only': {
        how: 'The plain-http listener off loopback recorded the discovery request the scenario expected none of.',
      },
    },
  },
];

/** Why scenarios ended in `error`, `not-applicable` or `skipped`: the first entry that applies. */
export const UNJUDGED_CAUSES: { applies: (check: CheckResult) => boolean; cause: string }[] = [
  {
    applies: (check) => /discovery asked again once stale/.test(check.message ?? ''),
    cause:
      'The client did not ask for discovery again once the document it held was past its max-age, so whether it keeps using the last good document while the server is unreachable could not be observed.',
  },
  {
    applies: (check) => /expire-agent failed: agent_not_found/.test(check.message ?? '') && stoppedByModePrompt(check),
    cause:
      'The operator step `expire-agent` found no agent to expire: connect_agent answered the `choose_mode` prompt (deviation 1) and registered none. The suite reports this as a harness error (see "Notes on the suite").',
  },
  {
    applies: (check) => /\$\{agent\} is not known/.test(check.message ?? '') && stoppedByModePrompt(check),
    cause:
      'connect_agent answered the `choose_mode` prompt (deviation 1) and registered no agent, so the later steps that name the agent could not run.',
  },
  {
    applies: (check) => /\$\{approval\.[^}]*\} is not known/.test(check.message ?? '') && stoppedByModePrompt(check),
    cause:
      'No approval ever started: connect_agent answered the `choose_mode` prompt (deviation 1) without registering, so the assertion on the approval (its poll interval) has nothing to compare with.',
  },
  {
    applies: stoppedByModePrompt,
    cause:
      'connect_agent answered the `choose_mode` prompt (deviation 1) and registered no agent; the scenario could not get to the behaviour it observes.',
  },
];

/**
 * Behaviour seen in the client's source (and in smoke runs outside the suite) that this run could not
 * judge because deviation 1 stops the scenarios first. Listed so that nobody reads their absence from the
 * deviations as conformance; each names the scenario that would judge it.
 */
export const NOT_REACHED: { requirements: string[]; behaviour: string; scenarios: string[] }[] = [
  {
    requirements: ['AAP-4.3-08'],
    behaviour:
      'Agent JWTs carry no `iss` claim (`packages/sdk/src/crypto.ts`, `signAgentJWT`). A server that verifies §4.3 (the simulator does) refuses every agent-authenticated request with `401 invalid_jwt` ("The JWT lacks a string \'iss\' claim"): execution, capability requests, listing with an agent.',
    scenarios: ['client.jwt.agent-claims', 'client.execution.sync'],
  },
  {
    requirements: ['AAP-5.11-10'],
    behaviour:
      "Async execution: every `status_url` poll reuses the execute request's agent JWT (same `jti`, expired after 60 s) instead of a fresh one; polling is every 2 s or `Retry-After`, without back-off.",
    scenarios: ['client.execution.async-polled'],
  },
  {
    requirements: ['AAP-6.10-STEP3'],
    behaviour:
      'A `text/event-stream` execute answer is parsed as JSON and the tool fails ("Unexpected token \'e\', "event: dat"… is not valid JSON"); streams are not supported.',
    scenarios: ['client.execution.stream-consumed'],
  },
  {
    requirements: ['AAP-8.13-09'],
    behaviour:
      "A 429 answer is never retried (the tool fails with the server's message) and `Retry-After` is ignored everywhere except between async `status_url` polls.",
    scenarios: ['client.rate-limits.retry-after-respected', 'client.rate-limits.retry-after-on-host-request'],
  },
  {
    requirements: ['AAP-7.1-08'],
    behaviour:
      'Approval polling ignores every non-2xx answer (`if (!res.ok) continue`): after `slow_down` (or a 429 with `Retry-After`) the next status poll still comes one `interval` later.',
    scenarios: ['client.approval.slow-down-slows-polling', 'client.approval.slow-down-adds-five-seconds'],
  },
  {
    requirements: ['AAP-5.11-11'],
    behaviour:
      'Async `status_url` polls come every 2 s (or after `Retry-After`), at most 60 of them: a fixed pace, not exponential back-off.',
    scenarios: ['client.execution.async-poll-backoff'],
  },
  {
    requirements: ['AAP-6.6-STEP3'],
    behaviour:
      "`request_capability` with a pending answer polls status once and returns as soon as the agent is `active` (it already is), with the requested grants still pending, as `{granted, pending, denied}` name lists instead of the agent's status and grant details.",
    scenarios: ['client.capability-requests.pending-followed'],
  },
  {
    requirements: ['AAP-6.7-01'],
    behaviour:
      '`disconnect_agent` does not look at the revoke answer: it deletes the local connection and answers `{"ok": true}` even when the server refused the revocation.',
    scenarios: ['client.lifecycle.failed-revoke-not-success'],
  },
  {
    requirements: ['AAP-6.4-STEP7', 'AAP-6.6-STEP4'],
    behaviour:
      'An `invalid_capabilities` answer becomes the text "One or more requested capabilities do not exist Available capabilities: …": the server\'s message plus the cached names, without naming the capability that was not recognised.',
    scenarios: [
      'client.registration.invalid-capabilities-surfaced',
      'client.capability-requests.invalid-capabilities-surfaced',
    ],
  },
  {
    requirements: ['AAP-7.1-STEP2'],
    behaviour:
      'The device-authorization URL and user code are printed on stderr only (`Approval required. Open: …`, `Code: …`); the tool call blocks until approval and sends no MCP notification, so the agent sees neither.',
    scenarios: ['client.approval.device-flow'],
  },
];

/** Whether the report holds this scenario with one of these statuses. */
function has(report: ClientReport, id: string, ...statuses: string[]): CheckResult | undefined {
  return report.checks.find((check) => check.id === id && (statuses.length === 0 || statuses.includes(check.status)));
}

/**
 * What looked wrong in the suite itself while certifying this client (Markdown), each shown when the
 * report holds what it is about.
 */
export const SUITE_NOTES: { applies: (report: ClientReport) => boolean; note: string }[] = [
  {
    applies: (report) => report.checks.some(stoppedByModePrompt),
    note: `**A connect_agent that succeeds without registering is scored in different ways.** The \`choose_mode\`
prompt is a successful tool result, so \`require: 'ok'\` on the \`connect_agent\` step holds. The engine then
cannot resolve \`\${agent}\` in a later step and the scenario ends in \`error\`; or an assertion's placeholder
(\`\${approval.interval_ms}\`) cannot be resolved and the whole scenario ends in \`error\` although its other
assertions had verdicts; or the scenario judges what it can and fails or warns on its own requirements
(for example \`fetch-before-use\` on AAP-6.4-STEP1, \`new-agent-key\` on AAP-6.4-STEP2/3,
\`invalid-capabilities-surfaced\` on AAP-6.4-STEP7, \`stops-on-denial\` on AAP-7.1-05), none of which is the
requirement the client breaks. A "registered" precondition on connect steps (a registration request reached
the simulator, else \`error\` naming it) would make these consistent.`,
  },
  {
    applies: (report) =>
      report.checks.some(stoppedByModePrompt) &&
      report.coverage.requirements.some((entry) => entry.id === 'AAP-6.4-FIELD.mode' && entry.status === 'passed'),
    note: `**No scenario judges the default of \`mode\`.** AAP-6.4-FIELD.mode is cited only by scenarios that
pass \`mode\` explicitly (\`client.registration.fields-forwarded\`), so the coverage map marks it passed for a
client that breaks exactly that requirement (deviation 1). A scenario calling \`connect_agent\` without
\`mode\` against a server offering both modes, expecting a registration with \`mode\` absent or
\`"delegated"\`, would carry this verdict.`,
  },
  {
    applies: (report) => has(report, 'client.discovery.fetch-before-use', 'failed') !== undefined,
    note: `**\`client.discovery.fetch-before-use\` asserts a registration it does not cite.** Its second assertion
("registration (§6.4 step 4)") fails a client that fetched discovery first, and the failure is reported
against AAP-6.4-STEP1 and AAP-5.1.1-02 only. It should cite AAP-6.4-STEP4 or treat the registration as a
precondition.`,
  },
  {
    applies: (report) =>
      report.checks.some((check) => /^harness error: .*expire-agent failed/.test(check.message ?? '')),
    note: `**An operator step on a missing agent is a harness error.** The reactivation scenarios run
\`{ act: { op: 'expire-agent' } }\` after \`connect_agent\`; when no agent was registered the simulator's
\`expire-agent failed: agent_not_found\` ends the scenario as a harness error, stack trace included, instead
of a broken precondition naming the missing agent.`,
  },
  {
    applies: (report) => {
      const check = has(report, 'client.registration.widened-grant-flagged', 'failed', 'warning');
      return check !== undefined && stoppedByModePrompt(check);
    },
    note: `**\`every\` over no request holds.** \`client.registration.widened-grant-flagged\` checks "the
registration carries the proposed constraints" with \`every\` and no count, so with no registration at all that
assertion passes and the scenario warns on AAP-2.13-05/06 (the grant was never called wider) for a grant that
was never made.`,
  },
];
