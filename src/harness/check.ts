import type { z } from 'zod';
import type { DiscoveryDocument } from '../protocol/index.ts';
import type { Exchange } from '../model/index.ts';
import type { ProtocolClient } from './protocol-client/index.ts';
import type { ControlClient, ControlOperation } from './control-client.ts';
import type { HttpResult } from './http-driver.ts';
import type { JwksHost } from './jwks-host.ts';
import type { CapabilityRole, TargetProfile } from './target-profile.ts';
import type { CheckLevel, CheckStatus, FailureDetail, ServerArea } from '../model/index.ts';

export { Fail, NotApplicable, Skip } from './outcome.ts';
export type { HttpResult } from './http-driver.ts';
export type { AgentIdentity, HostIdentity } from './protocol-client/index.ts';
export type { CapabilityRole } from './target-profile.ts';
export type { JwksFetch, JwksOwner, PublishedJwks } from './jwks-host.ts';

export type { CheckLevel, CheckStatus, FailureDetail };

/** What a check needs from the target before it can run; unmet needs skip or mark it not-applicable. */
export type CheckNeed =
  | { control: ControlOperation } // operator hook; missing → skipped
  | { mode: 'delegated' | 'autonomous' } // advertised in discovery; missing → not-applicable
  | { approvalMethod: string } // advertised in discovery; missing → not-applicable
  | { endpoint: string } // key of discovery `endpoints`; missing → not-applicable
  | { capability: CapabilityRole }; // a capability filling this role (profile); missing → not-applicable

export interface CheckDefinition {
  /** Stable id, e.g. `server.jwt.agent.rejects-wrong-typ`. */
  id: string;
  title: string;
  area: ServerArea;
  /** Catalogue requirement ids this check observes (spec/requirements). */
  requirements: string[];
  level: CheckLevel;
  /** Ruling ids (spec/rulings.yaml) that decide how this check scores an ambiguous spec. */
  rulings?: string[];
  needs?: CheckNeed[];
  /** Mutates state shared by every check (clock, capability set): the runner runs it alone. */
  exclusive?: boolean;
  /** Provokes 429s on purpose; any other check meeting a 429 ends in a precondition error (transport-attribution.ts). */
  rateLimitProbe?: boolean;
  /** The state-table cell this check walks (spec/state-table.yaml), for the reports' matrix. */
  cell?: { state: string; operation: string };
  /** Overall deadline for this check in ms (default: the runner's, 30 s). */
  timeoutMs?: number;
  run(t: CheckContext): Promise<void>;
}

export interface CheckContext {
  readonly checkId: string;
  /** Discovery as fetched at setup; only `issuer` and `endpoints` were validated (the discovery checks judge the rest). */
  readonly discovery: DiscoveryDocument;
  /** The protocol client the harness plays: hosts, agents, signed requests; every request is recorded on this check. */
  readonly client: ProtocolClient;
  /** Operator control hooks, when the target offers them (needs declare which are required). */
  readonly control: ControlClient | undefined;
  readonly profile: TargetProfile;
  /** Seed of this run, for anything random a check does. */
  readonly seed: number;
  /**
   * JWKS documents served by the harness over http on 127.0.0.1 for this check (started on first use,
   * closed when the check ends). A target fetches them only if its operator allowed loopback JWKS
   * fetching, which the profile declares with `jwksLoopbackAllowed` (RUL-JWKS-LOOPBACK).
   */
  readonly jwks: JwksHost;
  /**
   * Fail the check with a clear message (throws). `detail` says what was expected, what was observed
   * and which exchange shows it, for reports to show side by side.
   */
  fail(message: string, detail?: FailureDetail): never;
  /**
   * Fail unless `condition` holds (asserts). TypeScript narrows through assertion methods only when
   * `t` has a written type, so declare checks as `async run(t: CheckContext) { ... }`.
   */
  expect(condition: unknown, message: string, detail?: FailureDetail): asserts condition;
  /**
   * End the check as a warning (a failure under --strict): the answer is one a ruling accepts only
   * with a warning. `message` names the ruling.
   */
  tolerated(message: string, detail?: FailureDetail): never;
  /** Stop the check as skipped (e.g. "needs the operator control hook: give --control-url"). */
  skip(reason: string): never;
  /** Stop the check as not applicable (feature not advertised). */
  notApplicable(reason: string): never;
  /** The capability the target profile names for `role`; not applicable when it names none. */
  capability(role: CapabilityRole): string;
  /** Attach a note to the result (shown in reports). */
  note(message: string): void;
  /** Exchanges recorded so far in this check. */
  readonly exchanges: readonly Exchange[];
  /**
   * Fail unless the response status is `expected` (one or any of several). The message names
   * `what`, the request, and the body; a transport error (timeout, refused...) fails too.
   */
  expectStatus(result: HttpResult, expected: number | readonly number[], what?: string): void;
  /**
   * Fail unless the response is an error with this status and `error` code (§5.13 shape);
   * notes a missing `message` without failing.
   */
  expectError(
    result: HttpResult,
    status: number | readonly number[],
    code: string | readonly string[],
    what?: string,
  ): void;
  /** Fail unless the JSON body matches `schema` (listing every issue); returns the parsed body. */
  expectJson<T>(result: HttpResult, schema: z.ZodType<T>, what?: string): T;
}

export function defineCheck(check: CheckDefinition): CheckDefinition {
  return check;
}
