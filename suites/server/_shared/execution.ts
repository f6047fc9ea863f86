import {
  argumentsFor,
  describeAnswer,
  type AgentIdentity,
  type AgentTokenOptions,
  type CheckContext,
  type FixtureOptions,
  type HttpResult,
} from '../../../src/harness/api.ts';

/** Executing the profile's sync capability: the everyday proof that an agent can (or cannot) act (§5.11). */

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
export async function expectExecutes(
  t: CheckContext,
  agent: AgentIdentity,
  when: string,
  tokenOpts?: AgentTokenOptions,
): Promise<void> {
  const result = await executeSync(t, agent, tokenOpts);
  if (result.error || result.status !== 200) {
    t.fail(
      `${when}: expected the agent to execute ${t.capability('sync')} (HTTP 200, §5.11), got ${describeAnswer(result)}`,
    );
  }
}
