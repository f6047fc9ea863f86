import {
  defineCheck,
  describeAnswer,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, withinOneSecond } from '../_shared/refusals.ts';
import { control, expectAgentsRefused, expectHostRefused, newUser, hostLinkedTo } from './fixtures.ts';

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.unlink.revokes-delegated-agents',
    title: 'Unlinking a host from its user revokes the delegated agents under it',
    area: 'lifecycle',
    requirements: ['AAP-2.9-03'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY', 'RUL-STATE-ERROR-STATUS'],
    needs: [{ mode: 'delegated' }, { control: 'unlink-host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { host, agent } = await t.client.linkedHost({ capabilities: [t.capability('sync')] });
      await expectExecutes(t, agent, 'precondition: before the host is unlinked');
      await control(t).unlinkHost({ host_id: await hostIdOf(t, host, agent) });
      const execute = await withinOneSecond(() => executeSync(t, agent));
      expectRefusal(
        t,
        execute,
        [[403, 'agent_revoked'], INVALID_JWT],
        'execute by a delegated agent after its host was unlinked',
        '§2.9, RUL-STATE-ERROR-STATUS',
      );
      const status = await withinOneSecond(
        () => t.client.status(agent),
        (answer) => answer.json?.status === 'revoked',
      );
      t.expectStatus(status, 200, 'status after the unlink');
      t.expect(
        status.json?.status === 'revoked',
        `status after the unlink: expected "revoked" (§2.9: unlinking revokes delegated agents), got ${describeAnswer(status)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.user-deletion.cascades',
    title: "Deleting a user revokes the user's hosts and every agent under them",
    area: 'lifecycle',
    requirements: ['AAP-2.6-01', 'AAP-2.6-02'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY', 'RUL-STATE-ERROR-STATUS'],
    needs: [
      { mode: 'delegated' },
      { control: 'link-host' },
      { control: 'delete-user' },
      { control: 'create-user' },
      { control: 'approve' },
      { capability: 'sync' },
    ],
    async run(t: CheckContext) {
      // A user of this check's own, so the deletion touches no other check's hosts.
      const userId = await newUser(t);
      const { host, agent: first } = await hostLinkedTo(t, userId);
      const agents: AgentIdentity[] = [first, await activeSyncAgent(t, { host, mode: 'delegated' })];
      for (const agent of agents) await expectExecutes(t, agent, 'precondition: before the user is deleted');
      await control(t).deleteUser({ user_id: userId });
      await expectAgentsRefused(t, agents, "after the host's user was deleted");
      await expectHostRefused(t, host, first, 'after its user was deleted');
    },
  }),
];
