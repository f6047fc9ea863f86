import { defineCheck, describeAnswer, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { activeSyncAgent } from '../_shared/execution.ts';
import { readStatus } from '../_shared/lifecycle.ts';

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.mode.unchanged-by-re-registration',
    title: "Registering an agent's key again with the other mode leaves the agent's mode unchanged",
    area: 'lifecycle',
    // §2.2 and §3.2 make the mode immutable after creation; the catalogue has no entry for that
    // sentence yet, so the check cites the status field it reads.
    requirements: ['AAP-5.5-RESP.mode'],
    level: 'MUST',
    needs: [{ mode: 'delegated' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t, { mode: 'delegated' });
      const again = await t.client.register(agent.host, { mode: 'autonomous', agentKeys: agent.keys });
      if (again.agent && again.agent.agentId !== agent.agentId) {
        t.note(
          `the second registration created another agent (${again.agent.agentId}); judged by the registration checks`,
        );
      } else {
        t.note(`the second registration answered ${describeAnswer(again)}`);
      }
      const after = await readStatus(t, agent, {}, 'status after the second registration');
      t.expect(
        after.json.mode === 'delegated',
        `status after the second registration: expected mode "delegated" (§2.2: the mode cannot change after creation), got ${JSON.stringify(after.json.mode)}`,
      );
    },
  }),
];
