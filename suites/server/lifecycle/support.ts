import {
  argumentsFor,
  DECISION_POLL_DELAYS_MS,
  describeAnswer,
  errorCode,
  retryUntil,
  WITHIN_ONE_SECOND_MS,
  type AgentIdentity,
  type AgentRef,
  type AgentTokenOptions,
  type CheckContext,
  type ControlClient,
  type FixtureOptions,
  type HostIdentity,
  type HostTokenOptions,
  type HttpResult,
} from '../../../src/harness/api.ts';

/**
 * Helpers shared by the lifecycle and key-rotation checks: the capability they execute, reading an
 * agent's state, and judging refusals.
 */

/** Executes the sync capability with the profile's arguments, as `agent`. */
export function executeSync(t: CheckContext, agent: AgentIdentity, tokenOpts?: AgentTokenOptions): Promise<HttpResult> {
  const capability = t.capability('sync');
  return t.client.execute(agent, capability, argumentsFor(t.profile, capability), tokenOpts ? { tokenOpts } : {});
}

/** An active agent granted the sync capability (under a fresh host unless `opts.host` is given). */
export function activeSyncAgent(t: CheckContext, opts: FixtureOptions = {}): Promise<AgentIdentity> {
  return t.client.activeAgent({ capabilities: [t.capability('sync')], ...opts });
}

/** Precondition: the agent can execute the sync capability right now. */
export async function expectExecutes(t: CheckContext, agent: AgentIdentity, when: string, tokenOpts?: AgentTokenOptions): Promise<void> {
  const result = await executeSync(t, agent, tokenOpts);
  if (result.error || result.status !== 200) {
    t.fail(`${when}: expected the agent to execute ${t.capability('sync')} (HTTP 200, §5.11), got ${describeAnswer(result)}`);
  }
}

/** The `host_id` the server gave the host, from registration or else from the agent's status. */
export async function hostIdOf(t: CheckContext, host: HostIdentity, agent: AgentRef): Promise<string> {
  if (host.hostId !== undefined) return host.hostId;
  const result = await t.client.status(agent);
  const hostId: unknown = result.json?.host_id;
  if (typeof hostId !== 'string') t.fail(`precondition: no host_id in the registration or status answer (${describeAnswer(result)})`);
  host.hostId = hostId;
  return hostId;
}

/** GET status, expecting 200 with a string `status`; returns the parsed body (otherwise unvalidated). */
export async function readStatus(
  t: CheckContext,
  agent: AgentRef,
  tokenOpts: HostTokenOptions = {},
  what = 'status',
): Promise<{ status: string; grants: GrantView[]; json: Record<string, unknown> }> {
  const result = await t.client.status(agent, tokenOpts);
  t.expectStatus(result, 200, what);
  const status: unknown = result.json?.status;
  if (typeof status !== 'string') t.fail(`${what}: the status answer has no string "status" (§5.5); ${describeAnswer(result)}`);
  return { status, grants: grantsOf(result.json), json: result.json as Record<string, unknown> };
}

export interface GrantView {
  capability: string;
  status: string;
}

/** The `{capability, status}` pairs of a body's `agent_capability_grants` (malformed entries dropped). */
export function grantsOf(json: unknown): GrantView[] {
  const grants: unknown = (json as { agent_capability_grants?: unknown } | null)?.agent_capability_grants;
  if (!Array.isArray(grants)) return [];
  return grants.flatMap((grant: unknown) => {
    const { capability, status } = (grant ?? {}) as { capability?: unknown; status?: unknown };
    return typeof capability === 'string' && typeof status === 'string' ? [{ capability, status }] : [];
  });
}

export function activeCapabilities(grants: readonly GrantView[]): string[] {
  return grants.filter((grant) => grant.status === 'active').map((grant) => grant.capability).sort();
}

/**
 * Polls GET status (about three seconds at most) until the agent's status is `wanted`; fails with
 * what it saw otherwise. For state changes made through the operator hook.
 */
export async function expectAgentStatus(t: CheckContext, agent: AgentRef, wanted: string, why: string): Promise<void> {
  const last = await t.client.awaitAgentStatus(agent, wanted);
  if (last.json?.status !== wanted) t.fail(`${why}: expected status "${wanted}", got ${describeAnswer(last)}`);
}

/** Polls GET status until `capability` has an active grant; fails with the grants seen otherwise. */
export async function expectGrantActive(t: CheckContext, agent: AgentRef, capability: string, why: string): Promise<void> {
  const { grants } = await retryUntil(
    () => readStatus(t, agent, {}, `${why}: status`),
    (status) => activeCapabilities(status.grants).includes(capability),
    DECISION_POLL_DELAYS_MS,
  );
  if (!activeCapabilities(grants).includes(capability)) {
    t.fail(`${why}: expected an active grant for ${capability}, got ${JSON.stringify(grants)}`);
  }
}

/** Repeats `attempt` for up to one second until `settled` holds; returns the last answer. */
export function withinOneSecond(
  attempt: () => Promise<HttpResult>,
  settled: (result: HttpResult) => boolean = isRefusal,
): Promise<HttpResult> {
  return retryUntil(attempt, settled, WITHIN_ONE_SECOND_MS);
}

/** A response that is a client error (a transport failure is not a refusal). */
export function isRefusal(result: HttpResult): boolean {
  return !result.error && result.status >= 400 && result.status < 500;
}

/** An acceptable refusal: HTTP status and error code. */
export type Refusal = readonly [status: number, code: string];

export const INVALID_JWT: Refusal = [401, 'invalid_jwt'];

/**
 * Fails unless the answer is one of `accepted` (status and code together); returns the one it is.
 * `expected` explains the rule for the message, e.g. `§5.11, RUL-STATE-ERROR-STATUS`.
 */
export function expectRefusal(t: CheckContext, result: HttpResult, accepted: readonly Refusal[], what: string, expected: string): Refusal {
  const code = errorCode(result);
  const match = accepted.find(([status, name]) => status === result.status && name === code);
  if (!match || result.error) {
    t.fail(`${what}: expected ${accepted.map(([status, name]) => `${status} ${name}`).join(' or ')} (${expected}), got ${describeAnswer(result)}`);
  }
  if (typeof result.json?.message !== 'string') t.note(`${what}: the error response has no string "message" (§5.13)`);
  return match;
}

/** Fails unless the answer is a 401 or 403 error object (any code): the request was refused. */
export function expectAuthRefusal(t: CheckContext, result: HttpResult, what: string, expected: string): void {
  if (result.error || (result.status !== 401 && result.status !== 403) || errorCode(result) === undefined) {
    t.fail(`${what}: expected a 401 or 403 error (${expected}), got ${describeAnswer(result)}`);
  }
}

/** A host the operator linked to `userId`, with an active delegated agent registered under it. */
export async function hostLinkedTo(t: CheckContext, userId: string): Promise<{ host: HostIdentity; agent: AgentIdentity }> {
  const host = await t.client.newHost();
  const registration = await t.client.register(host, { mode: 'delegated', capabilities: [t.capability('sync')] });
  const agent = registration.agent;
  if (!agent) t.fail(`precondition: registration did not create an agent (${describeAnswer(registration)})`);
  await control(t).linkHost({ host_id: await hostIdOf(t, host, agent), user_id: userId });
  if (registration.json?.status !== 'active') await t.client.approve(agent);
  await expectExecutes(t, agent, 'precondition: after the operator linked the host');
  const linked = await readStatus(t, agent, {}, 'status after linking the host');
  if (typeof linked.json.user_id === 'string' && linked.json.user_id !== userId) {
    t.skip(`precondition: the operator linked the host to user "${userId}" but the agent reports user_id "${linked.json.user_id}"`);
  }
  return { host, agent };
}

/** The operator hook (checks list the operations they use in `needs`, so it is there when they run). */
export function control(t: CheckContext): ControlClient {
  if (t.control === undefined) t.skip('server offers no operator control hook');
  return t.control;
}

/** A user id no other check (and no earlier run) uses, for operator calls that act on a user. */
export function freshUserId(): string {
  return `usr_conformance_${crypto.randomUUID()}`;
}

