import {
  defineCheck,
  describeAnswer,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { asIntruder, expectForeignRefusal, foreignSetup } from '../_shared/foreign-agent.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { control } from './fixtures.ts';

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.foreign.status-refused',
    title: "A host cannot read the status of another host's agent",
    area: 'lifecycle',
    requirements: ['AAP-5.5-02'],
    level: 'MUST',
    rulings: ['RUL-FOREIGN-AGENT'],
    needs: [{ endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const setup = await foreignSetup(t);
      const result = await t.client.status(asIntruder(setup));
      expectForeignRefusal(t, result, setup, "status of another host's agent");
    },
  }),
  defineCheck({
    id: 'server.lifecycle.foreign.revoke-refused',
    title: "A host cannot revoke another host's agent, which stays active",
    area: 'lifecycle',
    requirements: ['AAP-5.7-03'],
    level: 'MUST',
    rulings: ['RUL-FOREIGN-AGENT'],
    needs: [{ endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const setup = await foreignSetup(t);
      const result = await t.client.revoke(asIntruder(setup));
      expectForeignRefusal(t, result, setup, "revoke another host's agent");
      const after = await readStatus(t, setup.victim, {}, 'status seen by the owning host afterwards');
      t.expect(
        after.status === 'active',
        `status seen by the owning host afterwards: expected "active" (the refused revocation must change nothing), got "${after.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.foreign.reactivate-refused',
    title: "A host cannot reactivate another host's agent, which stays as it was",
    area: 'lifecycle',
    requirements: ['AAP-5.6-01'],
    level: 'MUST',
    rulings: ['RUL-FOREIGN-AGENT'],
    needs: [{ endpoint: 'reactivate' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const setup = await foreignSetup(t);
      // An expired victim shows whether the intruder's call changed anything; an active one still shows leaks.
      const expectedState = t.control?.supports('expire-agent') ? 'expired' : 'active';
      if (expectedState === 'expired')
        await control(t).expireAgent({ agent_id: setup.victim.agentId, clock: 'session' });
      const before = await t.client.awaitAgentStatus(setup.victim, expectedState);
      if (before.json?.status !== expectedState)
        t.fail(
          `precondition: the victim agent is not ${expectedState} (status answered ${before.status} ${JSON.stringify(before.json?.status)})`,
        );
      const result = await t.client.reactivate(asIntruder(setup));
      expectForeignRefusal(t, result, setup, "reactivate another host's agent");
      const after = await readStatus(t, setup.victim, {}, 'status seen by the owning host afterwards');
      t.expect(
        after.status === expectedState,
        `status seen by the owning host afterwards: expected "${expectedState}" (the refused reactivation must change nothing), got "${after.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.foreign.unauthorized-code',
    title: "A host refused with 403 for naming another host's agent gets the error code unauthorized",
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.unauthorized'],
    level: 'MUST',
    rulings: ['RUL-FOREIGN-AGENT'],
    needs: [{ endpoint: 'status' }, { endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const setup = await foreignSetup(t);
      const intruder = asIntruder(setup);
      const answers: [string, HttpResult][] = [
        ["status of another host's agent", await t.client.status(intruder)],
        ["revoke another host's agent", await t.client.revoke(intruder)],
      ];
      // RUL-FOREIGN-AGENT also accepts 404 agent_not_found; the code is judged wherever the server chose 403.
      const forbidden = answers.filter(([, result]) => !result.error && result.status === 403);
      if (forbidden.length === 0) {
        t.notApplicable(
          `the server answered ${answers.map(([what, result]) => `${what}: ${describeAnswer(result)}`).join('; ')}, never 403 (404 agent_not_found is accepted by RUL-FOREIGN-AGENT)`,
        );
      }
      for (const [what, result] of forbidden)
        t.expectError(result, 403, 'unauthorized', `${what} (§5.13: a caller not allowed to act on the agent)`);
    },
  }),
];
