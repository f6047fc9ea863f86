import {
  defineCheck,
  describeAnswer,
  RevokeResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, withinOneSecond } from '../_shared/refusals.ts';

/** An active agent that has just executed once, then revoked by its host (POST /agent/revoke must answer 200). */
async function revokedAgent(t: CheckContext): Promise<AgentIdentity> {
  const agent = await activeSyncAgent(t);
  await expectExecutes(t, agent, 'precondition: before revocation');
  const revoked = await t.client.revoke(agent);
  t.expectStatus(revoked, 200, 'revoke (§5.7)');
  return agent;
}

const AGENT_REVOKED = [403, 'agent_revoked'] as const;

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.revoke.response',
    title: 'Revoking an agent answers {agent_id, status: "revoked"} and status reports it revoked',
    area: 'lifecycle',
    requirements: ['AAP-5.7-04', 'AAP-5.7-RESP.agent_id', 'AAP-5.7-RESP.status', 'AAP-2.3-STATE.revoked'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: [{ endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const result = await t.client.revoke(agent);
      t.expectStatus(result, 200, 'revoke (§5.7)');
      const body = t.expectJson(result, RevokeResponseSchema, 'revoke response (§5.7)');
      t.expect(
        body.agent_id === agent.agentId,
        `revoke response: expected agent_id "${agent.agentId}" (§5.7), got "${body.agent_id}"`,
      );
      const after = await withinOneSecond(
        () => t.client.status(agent),
        (status) => status.json?.status === 'revoked',
      );
      t.expectStatus(after, 200, 'status after revocation');
      t.expect(
        after.json?.status === 'revoked',
        `status after revocation: expected "revoked" within one second (§2.3, §5.7, RUL-REVOCATION-LATENCY), got ${describeAnswer(after)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.revoke.execute-refused',
    title: 'A revoked agent can no longer execute, within one second of the revocation',
    area: 'lifecycle',
    requirements: ['AAP-5.7-01', 'AAP-4.5-STEP6', 'AAP-4.5-01'],
    level: 'MUST',
    rulings: ['RUL-STATE-ERROR-STATUS', 'RUL-REVOCATION-LATENCY'],
    needs: [{ endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await revokedAgent(t);
      const result = await withinOneSecond(() => executeSync(t, agent));
      const [, code] = expectRefusal(
        t,
        result,
        [AGENT_REVOKED, INVALID_JWT],
        'execute by a revoked agent',
        '§4.5 step 6, §5.11, RUL-STATE-ERROR-STATUS',
      );
      if (code === 'invalid_jwt')
        t.note(
          'refused with 401 invalid_jwt rather than 403 agent_revoked (scored by server.lifecycle.revoke.execute-code)',
        );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.revoke.execute-code',
    title: 'Execution by a revoked agent is answered 403 agent_revoked',
    area: 'lifecycle',
    requirements: ['AAP-5.11-ERR.agent_revoked', 'AAP-5.13-ERR.agent_revoked'],
    level: 'SHOULD',
    rulings: ['RUL-STATE-ERROR-STATUS'],
    needs: [{ endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await revokedAgent(t);
      const result = await withinOneSecond(() => executeSync(t, agent));
      expectRefusal(
        t,
        result,
        [AGENT_REVOKED],
        'execute by a revoked agent',
        '§5.11, §5.13; 401 invalid_jwt is tolerated as a warning by RUL-STATE-ERROR-STATUS',
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.revoke.reactivate-refused',
    title: 'A revoked agent cannot be reactivated: 403 agent_revoked, and it stays revoked',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP1', 'AAP-5.13-ERR.reactivate.agent_revoked', 'AAP-2.3-STATE.revoked', 'AAP-5.7-01'],
    level: 'MUST',
    needs: [{ endpoint: 'revoke' }, { endpoint: 'reactivate' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await revokedAgent(t);
      const result = await t.client.reactivate(agent);
      expectRefusal(t, result, [AGENT_REVOKED], 'reactivate a revoked agent', '§5.6 step 1');
      const after = await readStatus(t, agent, {}, 'status after the refused reactivation');
      t.expect(
        after.status === 'revoked',
        `status after the refused reactivation: expected "revoked" (§2.3: revocation is permanent), got "${after.status}"`,
      );
      const execute = await executeSync(t, agent);
      t.expect(
        execute.status !== 200,
        `execute after the refused reactivation: the revoked agent executed (§5.7), got ${describeAnswer(execute)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.revoke.unknown-agent',
    title: 'Revoking an agent id the server does not know answers 404 agent_not_found',
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.revoke.agent_not_found'],
    level: 'MUST',
    needs: [{ endpoint: 'revoke' }, { control: 'approve' }],
    async run(t: CheckContext) {
      const { host } = await t.client.linkedHost();
      const result = await t.client.revoke({ host, agentId: `agt_unknown_${crypto.randomUUID()}` });
      expectRefusal(t, result, [[404, 'agent_not_found']], 'revoke an unknown agent id', '§5.13');
    },
  }),
];
