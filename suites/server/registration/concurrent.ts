import fc from 'fast-check';
import {
  checkProperty,
  defineCheck,
  describeAnswer,
  nearBoundary,
  type CheckContext,
  type CheckDefinition,
  type HostIdentity,
  type RegisterResult,
} from '../../../src/harness/api.ts';
import { activeAgent, fixtureMode } from '../_shared/registration.ts';

/**
 * The same registration sent several times at once. §5.3 keys a registration by the host and the
 * agent key: a pair that matches no agent creates one, so the copies together create exactly one
 * agent. What the other copies get back is only a SHOULD (the same agent_id while it is pending,
 * 409 agent_exists once it is active), which the sequential idempotency checks judge; here it is
 * noted, not scored.
 */

export interface ConcurrentRegistrationCase {
  /** Registrations sent at the same instant: 2 to 4, shrinking to 2. */
  copies: number;
  /** Under a host the server already approved, or under a never-seen host (dynamic registration). */
  knownHost: boolean;
}

export const concurrentRegistrations: fc.Arbitrary<ConcurrentRegistrationCase> = fc.record({
  copies: nearBoundary([2], { below: 0, above: 2 }),
  knownHost: fc.boolean(),
});

function isCreated(result: RegisterResult): boolean {
  return !result.error && result.status >= 200 && result.status < 300 && typeof result.json?.agent_id === 'string';
}

const concurrentSameKey = defineCheck({
  id: 'server.registration.concurrent-same-key',
  title: 'Registrations of one host and agent key sent at the same instant create exactly one agent',
  area: 'registration',
  requirements: ['AAP-5.3-10', 'AAP-5.3-11'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    let approvedHost: HostIdentity | undefined;
    const knownHost = async () => {
      approvedHost ??= (await activeAgent(t, { capabilities: [sync] })).host;
      return approvedHost;
    };
    await checkProperty(
      t,
      [concurrentRegistrations],
      async ({ copies, knownHost: known }) => {
        const host = known ? await knownHost() : await t.client.newHost();
        const agentKeys = await t.client.newAgentKeys();
        const results = await Promise.all(
          Array.from({ length: copies }, () =>
            t.client.register(host, { agentKeys, capabilities: [sync], mode: fixtureMode(t) }),
          ),
        );
        const answers = results.map((result) => describeAnswer(result)).join('; ');
        const what = `${copies} registrations of one agent key under ${known ? 'an approved' : 'a never-seen'} host sent at once`;
        const created = results.filter(isCreated);
        const agentIds = [...new Set(created.map((result) => result.json?.agent_id as string))];
        if (agentIds.length > 1) {
          t.fail(
            `${what}: the server created ${agentIds.length} agents (${agentIds.join(', ')}) for one host and agent key; §5.3 keys a registration by that pair (answers: ${answers})`,
          );
        }
        if (agentIds.length === 0) {
          t.fail(
            `${what}: none created the agent, though the pair matched no agent before (§5.3); answers: ${answers}`,
          );
        }
        const others = results.filter(
          (result) => !isCreated(result) && !(result.status === 409 && result.json?.error === 'agent_exists'),
        );
        if (others.length > 0) {
          t.note(
            `${what}: besides the agent ${agentIds[0]}, the server answered ${others.map((result) => describeAnswer(result)).join('; ')}; §5.3 asks (SHOULD) for the same agent or 409 agent_exists, which the sequential idempotency checks judge`,
          );
        }
      },
      { numRuns: 6 },
    );
  },
});

export const checks: CheckDefinition[] = [concurrentSameKey];
