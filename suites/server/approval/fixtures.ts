import { argumentsFor, type AgentIdentity, type CheckContext } from '../../../src/harness/api.ts';

/**
 * For when status will not show a settled agent: its own JWT must at least fail to execute the
 * capability it asked for, since only active agents authenticate (§2.3, RUL-NON-ACTIVE-AUTH).
 */
export async function expectCannotExecute(t: CheckContext, agent: AgentIdentity, why: string): Promise<void> {
  const sync = t.capability('sync');
  const result = await t.client.execute(agent, sync, argumentsFor(t.profile, sync));
  t.expect(
    result.status === 401 || result.status === 403,
    `${why}, yet its JWT executed "${sync}" with ${result.status}; only active agents with a grant may execute (§2.3)`,
  );
}
