import {
  ControlError,
  defineCheck,
  describeAnswer,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { hostIdOf, readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, isRefusal, withinOneSecond } from '../_shared/refusals.ts';
import { control, newUser, hostLinkedTo } from './fixtures.ts';

/** Host linking and unlinking (§2.7-§2.9): one user per host, and what unlinking leaves behind. */

/** Fails if status shows `agent` still active on behalf of `formerUser`. */
async function expectNotActiveFor(
  t: CheckContext,
  agent: AgentIdentity,
  formerUser: string,
  when: string,
): Promise<void> {
  const status = await t.client.status(agent);
  if (status.error || status.status !== 200) return;
  t.expect(
    !(status.json?.status === 'active' && status.json?.user_id === formerUser),
    `status ${when}: the agent is still active for user "${formerUser}"; a host has one user at a time (§2.7, §2.9)`,
  );
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.link.single-user',
    title: 'A host linked to one user is never linked to a second one at the same time',
    area: 'lifecycle',
    requirements: ['AAP-2.7-02', 'AAP-2.9-01'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: [
      { mode: 'delegated' },
      { control: 'link-host' },
      { control: 'create-user' },
      { control: 'approve' },
      { capability: 'sync' },
    ],
    async run(t: CheckContext) {
      const first = await newUser(t);
      const { host, agent } = await hostLinkedTo(t, first);
      const second = await newUser(t);
      const relink = await control(t).call('link-host', { host_id: await hostIdOf(t, host, agent), user_id: second });
      if (relink.status === 501) t.skip('the control hook cannot link hosts as asked (501)');
      if (isRefusal(relink)) {
        t.note(
          `linking the host to a second user was refused (${describeAnswer(relink)}): the host keeps its one user (§2.9)`,
        );
        return;
      }
      if (relink.error || relink.status < 200 || relink.status >= 300) {
        throw new ControlError(
          `control operation "link-host" answered neither a refusal nor success: ${describeAnswer(relink)}`,
        );
      }
      // The server moved the host to the second user: nothing may still act for the first one.
      const execute = await withinOneSecond(() => executeSync(t, agent));
      t.expect(
        isRefusal(execute),
        `execute by the first user's agent after the host was linked to another user: expected a refusal, got ${describeAnswer(execute)}; the host would act for two users at once (§2.7, §2.9)`,
      );
      await expectNotActiveFor(t, agent, first, "of the first user's agent after relinking");
      const fresh = await activeSyncAgent(t, { host, mode: 'delegated' });
      const view = await readStatus(t, fresh, {}, 'status of a delegated agent registered after relinking');
      t.expect(
        view.json.user_id !== first,
        `a delegated agent registered after the host was linked to "${second}" reports user_id "${first}"; the host is linked to two users (§2.9)`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.unlink.autonomous-still-registers',
    title: 'After unlinking, the host can still register autonomous agents',
    area: 'lifecycle',
    requirements: ['AAP-2.9-04', 'AAP-2.8-01', 'AAP-2.7-01'],
    level: 'MAY',
    needs: [
      { mode: 'delegated' },
      { mode: 'autonomous' },
      { control: 'approve' },
      { control: 'unlink-host' },
      { capability: 'sync' },
    ],
    async run(t: CheckContext) {
      const { host, agent } = await t.client.linkedHost({ capabilities: [t.capability('sync')] });
      await control(t).unlinkHost({ host_id: await hostIdOf(t, host, agent) });
      const registration = await t.client.register(host, { mode: 'autonomous', capabilities: [t.capability('sync')] });
      const autonomous = registration.agent;
      t.expect(
        autonomous !== undefined,
        `an autonomous registration by the unlinked host answered ${describeAnswer(registration)}; the host may keep provisioning autonomous agents (§2.9)`,
      );
      if (registration.json?.status !== 'active') {
        t.note(
          `the autonomous registration is ${JSON.stringify(registration.json?.status)}; approved through the operator`,
        );
        await t.client.approve(autonomous);
      }
      await expectExecutes(t, autonomous, 'the autonomous agent of the unlinked host');
      const view = await readStatus(t, autonomous, {}, 'status of the autonomous agent');
      if (typeof view.json.user_id === 'string')
        t.note(`the autonomous agent of the unlinked host reports user_id "${view.json.user_id}"`);
    },
  }),
  defineCheck({
    id: 'server.lifecycle.unlink.relink-keeps-old-agents-refused',
    title: 'After unlinking and linking the host to another user, the earlier delegated agents stay refused',
    area: 'lifecycle',
    requirements: ['AAP-2.9-06'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY', 'RUL-STATE-ERROR-STATUS'],
    needs: [
      { mode: 'delegated' },
      { control: 'approve' },
      { control: 'unlink-host' },
      { control: 'link-host' },
      { control: 'create-user' },
      { capability: 'sync' },
    ],
    async run(t: CheckContext) {
      const { host, agent } = await t.client.linkedHost({ capabilities: [t.capability('sync')] });
      await expectExecutes(t, agent, 'precondition: before the host is unlinked');
      const hostId = await hostIdOf(t, host, agent);
      await control(t).unlinkHost({ host_id: hostId });
      const next = await newUser(t);
      await control(t).linkHost({ host_id: hostId, user_id: next });
      const execute = await withinOneSecond(() => executeSync(t, agent));
      expectRefusal(
        t,
        execute,
        [[403, 'agent_revoked'], INVALID_JWT],
        'execute by a delegated agent of the former user after the host was relinked',
        '§2.9, RUL-STATE-ERROR-STATUS',
      );
      const status = await readStatus(t, agent, {}, "status of the former user's agent after relinking");
      t.expect(
        status.status === 'revoked',
        `status of the former user's agent after relinking: expected "revoked" (§2.9: it stays unusable), got "${status.status}"`,
      );
      const fresh = await activeSyncAgent(t, { host, mode: 'delegated' });
      await expectExecutes(t, fresh, 'a delegated agent registered anew after relinking (§2.9)');
      const view = await readStatus(t, fresh, {}, 'status of the agent registered after relinking');
      if (typeof view.json.user_id === 'string' && view.json.user_id !== next) {
        t.fail(
          `the agent registered after relinking the host to "${next}" reports user_id "${view.json.user_id}" (§2.9)`,
        );
      }
    },
  }),
];
