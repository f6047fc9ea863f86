import {
  DECISION_POLL_DELAYS_MS,
  describeAnswer,
  retryUntil,
  type AgentIdentity,
  type AgentRef,
  type CheckContext,
  type ControlClient,
  type HostIdentity,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { activeCapabilities } from '../_shared/grants.ts';
import { hostIdOf, readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, withinOneSecond, type Refusal } from '../_shared/refusals.ts';

/**
 * What the lifecycle checks share: agents in particular lifecycle states, built through the protocol
 * and the operator hook, waits for the state to show, and the refusals a revoked host's agents get.
 */

export interface PendingAgent {
  agent: AgentIdentity;
  /** True when the agent's host is itself still pending (then `host_pending` answers are legitimate). */
  hostPending: boolean;
}

/**
 * A pending agent, preferably under an approved host so that answers are about the agent and not
 * about its host (§4.5.1 step 8): a linked host registers an agent for a capability that needs
 * approval — the high-risk one, or any capability once the host's defaults are emptied. Without
 * either, a fresh (pending) host registers it. Skips when the server activates the agent at once.
 */
export async function pendingAgent(t: CheckContext): Promise<PendingAgent> {
  const hook = t.control;
  const highRisk = t.profile.highRisk;
  const canEmptyDefaults = hook?.supports('set-host-defaults') === true;
  if (hook?.supports('approve') && (highRisk !== undefined || canEmptyDefaults)) {
    const { host, agent: first } = await t.client.linkedHost();
    let capability = highRisk;
    if (capability === undefined) {
      await hook.setHostDefaults({ host_id: await hostIdOf(t, host, first), capabilities: [] });
      capability = t.capability('sync');
    }
    const registration = await t.client.register(host, { capabilities: [capability] });
    if (registration.agent && registration.json?.status === 'pending')
      return { agent: registration.agent, hostPending: false };
    t.skip(
      `could not obtain a pending agent under an approved host: registering for ${capability} answered ${describeAnswer(registration)}`,
    );
  }
  return { agent: await t.client.pendingAgent({ capabilities: [t.capability('sync')] }), hostPending: true };
}

/**
 * An agent whose registration the user denied as a whole (operator `deny`), under an approved host
 * when possible. Skips when the server does not report it `rejected` (RUL-FULL-DENIAL tolerates
 * an active agent with denied grants, in which case agent_rejected cannot be observed).
 */
export async function rejectedAgent(t: CheckContext): Promise<PendingAgent> {
  const pending = await pendingAgent(t);
  await control(t).deny({ agent_id: pending.agent.agentId, reason: 'conformance: whole registration denied' });
  const last = await t.client.awaitAgentStatus(pending.agent, 'rejected');
  if (last.json?.status !== 'rejected') {
    t.skip(
      `after the operator denied the registration the agent is not "rejected" (status answered ${describeAnswer(last)}); see RUL-FULL-DENIAL`,
    );
  }
  return pending;
}

/**
 * An active autonomous agent under an approved but unlinked host, then linked to a fresh user
 * through the operator (§2.10): the agent should now be claimed.
 */
export async function agentOfNewlyLinkedHost(
  t: CheckContext,
): Promise<{ agent: AgentIdentity; host: HostIdentity; userId: string }> {
  const host = await t.client.newHost();
  const agent = await activeSyncAgent(t, { host, mode: 'autonomous' });
  await expectExecutes(t, agent, 'precondition: before the host is linked');
  // Linked to the check's approving user, else the server's own test user: the claim needs a user, not a particular one.
  const linked = await control(t).linkHost({
    host_id: await hostIdOf(t, host, agent),
    user_id: t.client.approvingUser,
  });
  const userId = typeof linked.json?.user_id === 'string' ? linked.json.user_id : '';
  return { agent, host, userId };
}

/** An active sync agent whose session clock the operator then ran out (`expire-agent` session). */
export async function expiredAgent(t: CheckContext, opts: { host?: HostIdentity } = {}): Promise<AgentIdentity> {
  const agent = await activeSyncAgent(t, opts.host ? { host: opts.host } : {});
  await control(t).expireAgent({ agent_id: agent.agentId, clock: 'session' });
  await expectAgentStatus(t, agent, 'expired', 'precondition: after the operator expired the session clock (§2.4)');
  return agent;
}

/** `count` active sync agents registered under one fresh host. */
export async function agentsUnderOneHost(
  t: CheckContext,
  count: number,
): Promise<{ host: HostIdentity; agents: AgentIdentity[] }> {
  const host = await t.client.newHost();
  const agents: AgentIdentity[] = [];
  for (let i = 0; i < count; i += 1) agents.push(await activeSyncAgent(t, { host }));
  return { host, agents };
}

/** Refusals of an agent token whose host was revoked: the agent's own code, the host's, or an invalid token. */
const CASCADED_AGENT_REFUSALS: readonly Refusal[] = [[403, 'agent_revoked'], [403, 'host_revoked'], INVALID_JWT];
const REVOKED_HOST_REFUSALS: readonly Refusal[] = [[403, 'host_revoked'], INVALID_JWT];

/** Fails unless every agent's execution is refused within one second. */
export async function expectAgentsRefused(
  t: CheckContext,
  agents: readonly AgentIdentity[],
  why: string,
): Promise<void> {
  for (const [index, agent] of agents.entries()) {
    const result = await withinOneSecond(() => executeSync(t, agent));
    expectRefusal(
      t,
      result,
      CASCADED_AGENT_REFUSALS,
      `execute by agent ${index + 1} of ${agents.length} ${why}`,
      '§8.5, §4.5 step 4/6, RUL-REVOCATION-LATENCY',
    );
  }
}

/** Fails unless the host's own JWT is refused (status of one of its agents) within one second. */
export async function expectHostRefused(
  t: CheckContext,
  host: HostIdentity,
  agent: AgentIdentity,
  why: string,
): Promise<void> {
  const result = await withinOneSecond(() => t.client.status({ host, agentId: agent.agentId }));
  expectRefusal(
    t,
    result,
    REVOKED_HOST_REFUSALS,
    `status with the host's JWT ${why}`,
    '§4.5.1 step 8, §5.13, RUL-REVOCATION-LATENCY',
  );
}

/**
 * Polls GET status (about three seconds at most) until the agent's status is `wanted`; fails with
 * what it saw otherwise. For state changes made through the operator hook.
 */
export async function expectAgentStatus(
  t: CheckContext,
  agent: AgentRef,
  wanted: string,
  why: string,
  delays?: readonly number[],
): Promise<void> {
  const last = await t.client.awaitAgentStatus(agent, wanted, delays);
  if (last.json?.status !== wanted) t.fail(`${why}: expected status "${wanted}", got ${describeAnswer(last)}`);
}

/** Polls GET status until `capability` has an active grant; fails with the grants seen otherwise. */
export async function expectGrantActive(
  t: CheckContext,
  agent: AgentRef,
  capability: string,
  why: string,
): Promise<void> {
  const { grants } = await retryUntil(
    () => readStatus(t, agent, {}, `${why}: status`),
    (status) => activeCapabilities(status.grants).includes(capability),
    DECISION_POLL_DELAYS_MS,
  );
  if (!activeCapabilities(grants).includes(capability)) {
    t.fail(`${why}: expected an active grant for ${capability}, got ${JSON.stringify(grants)}`);
  }
}

/** A host the operator linked to `userId`, with an active delegated agent registered under it. */
export async function hostLinkedTo(
  t: CheckContext,
  userId: string,
): Promise<{ host: HostIdentity; agent: AgentIdentity }> {
  const host = await t.client.newHost();
  const registration = await t.client.register(host, { mode: 'delegated', capabilities: [t.capability('sync')] });
  const agent = registration.agent;
  if (!agent) t.fail(`precondition: registration did not create an agent (${describeAnswer(registration)})`);
  await control(t).linkHost({ host_id: await hostIdOf(t, host, agent), user_id: userId });
  if (registration.json?.status !== 'active') await t.client.approve(agent);
  await expectExecutes(t, agent, 'precondition: after the operator linked the host');
  const linked = await readStatus(t, agent, {}, 'status after linking the host');
  if (typeof linked.json.user_id === 'string' && linked.json.user_id !== userId) {
    t.skip(
      `precondition: the operator linked the host to user "${userId}" but the agent reports user_id "${linked.json.user_id}"`,
    );
  }
  return { host, agent };
}

/** The operator hook (checks list the operations they use in `needs`, so it is there when they run). */
export function control(t: CheckContext): ControlClient {
  if (t.control === undefined) t.skip('needs the operator control hook: give --control-url (spec/control-contract.md)');
  return t.control;
}

/**
 * A user account of the check's own, created through the operator hook: the id is the one the
 * server issued, never one the harness made up (checks using it list `{ control: 'create-user' }`).
 */
export function newUser(t: CheckContext): Promise<string> {
  return control(t).createUser();
}
