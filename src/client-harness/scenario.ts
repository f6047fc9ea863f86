import type { CheckLevel, ClientArea } from '../model/index.ts';
import type {
  ClientModeAction,
  ClientScenarioKnobs,
  ListenerName,
  SimEndpoint,
  Trigger,
} from '../sim/client-mode/index.ts';

/**
 * A client scenario is data: the server's behaviour (knobs, operator triggers), the tool calls the
 * suite makes as the agent, and what must be true of the client's requests and tool results. One
 * generic engine (engine.ts) runs every scenario; a client under test never needs to know their names.
 *
 * Strings in `args` and matchers may hold `${…}` placeholders, resolved when the step runs (see
 * templates.ts): `${provider}`, `${sim.issuer}`, `${cap.sync}` (a capability by role), `${agent}`
 * (the agent the simulator registered last), `${approval.user_code}`, `${c.agent_id}` (a field of the
 * result of the call labelled `c`), `${foreign.origin}`, `${listeners.plain_http}` and
 * `${listeners.untrusted_tls}` (origins of the extra listeners a scenario asked for).
 */

/** The §6 tools, by their spec names. */
export const SPEC_TOOLS = [
  'list_providers',
  'search_providers',
  'discover_provider',
  'list_capabilities',
  'describe_capability',
  'connect_agent',
  'sign_jwt',
  'request_capability',
  'agent_status',
  'reactivate_agent',
  'disconnect_agent',
  'execute_capability',
] as const;
export type SpecTool = (typeof SPEC_TOOLS)[number];

/** Selects requests the client sent (to the simulator, its foreign listener, a capability location or an extra listener). */
export interface RequestMatch {
  endpoint?: SimEndpoint | readonly SimEndpoint[];
  /** Default: any listener. */
  listener?: ListenerName | 'any';
  method?: string;
  /** How the request authenticated: a host JWT, an agent JWT, or no bearer token (or any of several). */
  auth?: RequestAuth | readonly RequestAuth[];
  /**
   * Only requests where this path (or each of these paths) has a value, for requirements that hold
   * only when the client chose an option, e.g. `jwt.claims.host_jwks_url` for JWKS-keyed hosts.
   */
  has?: string | readonly string[];
  /** Only requests sent after the step with this label started. */
  after?: string;
  /** Only requests sent before the step with this label started. */
  before?: string;
}

export type RequestAuth = 'host' | 'agent' | 'none';

/** A test on one value; `${…}` placeholders in expected values are resolved first. */
export type Matcher =
  | { eq: unknown }
  | { notEq: unknown }
  | { in: readonly unknown[] }
  | { present: true }
  | { absent: true }
  | { lte: number }
  | { gte: number }
  | { matches: string }
  /** Equal to another value of the same request (`url`, `jwt.claims.iss`…); for request assertions only. */
  | { samePathAs: string }
  /** Different from another value of the same request (an absent value differs from any present one); for request assertions only. */
  | { notSamePathAs: string };

export type Step =
  /** Call a tool as the agent. `require: 'ok'` makes a failed call a broken precondition (error), not a verdict. */
  | { call: SpecTool; as?: string; args?: Record<string, unknown>; timeoutMs?: number; require?: 'ok' }
  /** Let time pass (client-side timers: polling, back-off); short, lower bounds only. */
  | { wait: number }
  /** Wait until the client has sent a matching request (at most `timeoutMs`). */
  | { waitFor: { endpoint?: SimEndpoint; listener?: ListenerName; nth?: number }; timeoutMs: number }
  /** An operator action on the simulator now. */
  | { act: ClientModeAction };

/**
 * What must hold after the steps ran. `because` is the failure message's subject. A `precondition`
 * assertion states what the scenario needs to have happened before it can judge anything (say, a
 * registration was sent): when it does not hold the scenario ends in `error`, not in a verdict on
 * its requirements, and the other assertions are not judged.
 */
export type Assertion = { because: string; precondition?: true } & (
  | { requests: RequestMatch; count: { min?: number; max?: number } }
  /** The first request the client sent matches. */
  | { firstRequest: RequestMatch }
  | { requests: RequestMatch; every: string; is: Matcher }
  | { requests: RequestMatch; distinct: string }
  /**
   * Every matching request has the same value at `same` (absent counts as a value); with `per`,
   * only requests sharing the value at `per` are compared, e.g. the host JWTs of one host.
   */
  | { requests: RequestMatch; same: string; per?: string }
  /** Consecutive matching requests are at least this far apart (ms; a placeholder like `${approval.interval_ms}` works). */
  | { requests: RequestMatch; spacingMs: number | string }
  /** No request and no tool result carries private key material (a JWK with `d`). */
  | { noPrivateKeyMaterial: true }
  | { call: string; ok: boolean }
  | { call: string; path: string; is: Matcher }
  /**
   * The call's result text, or anything the client surfaced while it ran (logs, progress), mentions
   * this; `where: 'result'` looks at the result only, `where: 'interim'` only at what was surfaced
   * before the result (see Scenario.interimOutput).
   */
  | { call: string; mentions: string; where?: 'result' | 'surfaced' | 'interim' }
  /** Neither the call's result text nor anything the client surfaced while it ran contains this. */
  | { call: string; notMentions: string }
);

export interface Scenario {
  /** `client.<area>.<name>`. */
  id: string;
  title: string;
  area: ClientArea;
  level: CheckLevel;
  /** Catalogue ids (role client) this scenario observes. */
  requirements: string[];
  rulings?: string[];
  /** Tools the scenario calls; a client exposing none of one makes the scenario not applicable. */
  tools: SpecTool[];
  knobs?: ClientScenarioKnobs;
  triggers?: Trigger[];
  steps: Step[];
  expect: Assertion[];
  /**
   * The scenario judges output the client surfaces while a call runs (progress, log messages), which
   * only a driver whose transport carries such output sees (MCP notifications); with any other driver
   * the scenario is not applicable.
   */
  interimOutput?: true;
  /** Overall deadline (default 30 s). */
  timeoutMs?: number;
}

export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
