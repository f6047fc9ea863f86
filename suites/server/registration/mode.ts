import { defineCheck, StatusResponseSchema, type CheckContext } from '../../../src/harness/api.ts';
import { expectRegistered } from '../_shared/registration.ts';

const modeDefaultsToDelegated = defineCheck({
  id: 'server.registration.mode-defaults-delegated',
  title: 'A registration without a mode creates a delegated agent',
  area: 'registration',
  requirements: ['AAP-5.3-FIELD.mode', 'AAP-5.3-RESP.mode'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { mode: 'delegated' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const result = await t.client.register(await t.client.newHost(), { capabilities: [t.capability('sync')] });
    expectRegistered(t, result);
    t.expect(
      result.json?.mode === 'delegated',
      `a registration without a mode answered mode ${JSON.stringify(result.json?.mode)}, expected "delegated" (§5.3)`,
    );
  },
});

const modeKept = defineCheck({
  id: 'server.registration.mode-kept',
  title: 'The registered mode is reported at registration and stays the same after approval',
  area: 'registration',
  requirements: ['AAP-5.3-RESP.mode', 'AAP-5.5-RESP.mode'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    for (const mode of t.discovery.modes) {
      const agent = await t.client.activeAgent({ mode, capabilities: [sync] });
      t.expect(
        agent.registration?.mode === mode,
        `a ${mode} registration answered mode ${JSON.stringify(agent.registration?.mode)} (§5.3)`,
      );
      const status = await t.client.status(agent);
      t.expectStatus(status, 200, `status of the approved ${mode} agent`);
      const body = t.expectJson(status, StatusResponseSchema, `status of the approved ${mode} agent (§5.5)`);
      t.expect(
        body.mode === mode,
        `the ${mode} agent's status reports mode "${body.mode}" after approval; an agent's mode never changes (§3.2, §5.5)`,
      );
    }
  },
});

export const checks = [modeDefaultsToDelegated, modeKept];
