import { defineCheck, type CheckContext, type CheckDefinition, type CheckNeed } from '../../../src/harness/api.ts';
import { executeSync } from '../_shared/execution.ts';
import { activeCapabilities } from '../_shared/grants.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectAuthRefusal, expectRefusal, withinOneSecond } from '../_shared/refusals.ts';
import { agentOfNewlyLinkedHost } from './fixtures.ts';

const CLAIM_NEEDS: CheckNeed[] = [
  { mode: 'autonomous' },
  { control: 'approve' },
  { control: 'link-host' },
  { capability: 'sync' },
];

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.claim.claimed-on-link',
    title: 'Linking a host to a user claims its active autonomous agents and removes their grants',
    area: 'lifecycle',
    // The fixture's autonomous agent executes under an approved host no user is linked to yet (§2.7, §2.8).
    requirements: [
      'AAP-2.10-01',
      'AAP-2.10-STEP1',
      'AAP-2.10-STEP2',
      'AAP-2.3-STATE.claimed',
      'AAP-2.7-01',
      'AAP-2.8-01',
    ],
    level: 'MUST',
    rulings: ['RUL-CLAIM-SCOPE'],
    needs: CLAIM_NEEDS,
    async run(t: CheckContext) {
      const { agent } = await agentOfNewlyLinkedHost(t);
      const last = await t.client.awaitAgentStatus(agent, 'claimed');
      t.expectStatus(last, 200, 'status after the host was linked');
      t.expect(
        last.json?.status === 'claimed',
        `status after the host was linked: expected "claimed" (§2.10), got ${JSON.stringify(last.json?.status)}`,
      );
      const { grants } = await readStatus(t, agent, {}, 'status of the claimed agent');
      const active = activeCapabilities(grants);
      t.expect(
        active.length === 0,
        `status of the claimed agent: expected no active grants (§2.10 step 1), got active ${active.join(', ')}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.claim.execute-refused',
    title: 'A claimed autonomous agent can no longer execute',
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.claimed', 'AAP-2.10-STEP1'],
    level: 'MUST',
    rulings: ['RUL-NON-ACTIVE-AUTH', 'RUL-CLAIM-SCOPE'],
    needs: CLAIM_NEEDS,
    async run(t: CheckContext) {
      const { agent } = await agentOfNewlyLinkedHost(t);
      const result = await withinOneSecond(() => executeSync(t, agent));
      expectAuthRefusal(
        t,
        result,
        'execute by an autonomous agent whose host was linked',
        '§2.3, §2.10, RUL-NON-ACTIVE-AUTH',
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.claim.reactivate-refused',
    title: 'A claimed agent cannot be reactivated: 403 agent_claimed',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP1', 'AAP-5.13-ERR.reactivate.agent_claimed'],
    level: 'MUST',
    needs: [...CLAIM_NEEDS, { endpoint: 'reactivate' }],
    async run(t: CheckContext) {
      const { agent } = await agentOfNewlyLinkedHost(t);
      const claimed = await t.client.awaitAgentStatus(agent, 'claimed');
      if (claimed.json?.status !== 'claimed')
        t.skip(
          `precondition: the agent is not claimed after linking (judged by server.lifecycle.claim.claimed-on-link)`,
        );
      const result = await t.client.reactivate(agent);
      expectRefusal(t, result, [[403, 'agent_claimed']], 'reactivate a claimed agent', '§5.6 step 1, §2.10');
    },
  }),
];
