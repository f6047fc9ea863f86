import { defineCheck, type AgentIdentity, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { expectRefusal, INVALID_JWT } from '../_shared/refusals.ts';
import { control, expectAgentStatus } from './fixtures.ts';

type LifetimeClock = 'session' | 'max' | 'absolute';

/** An active agent that executed once, whose `clock` the operator then ran out. */
async function agentPastClock(t: CheckContext, clock: LifetimeClock): Promise<AgentIdentity> {
  const agent = await activeSyncAgent(t);
  await expectExecutes(t, agent, `precondition: before the ${clock} clock runs out`);
  await control(t).expireAgent({ agent_id: agent.agentId, clock });
  return agent;
}

const AGENT_EXPIRED = [403, 'agent_expired'] as const;

function expiryCheck(clock: 'session' | 'max', what: string): CheckDefinition {
  return defineCheck({
    id: `server.lifecycle.expiry.${clock}-clock`,
    title: `An agent whose ${what} has elapsed is expired and cannot execute`,
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.expired', 'AAP-4.5-STEP6'],
    level: 'MUST',
    rulings: ['RUL-STATE-ERROR-STATUS'],
    needs: [{ control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await agentPastClock(t, clock);
      await expectAgentStatus(t, agent, 'expired', `status after the ${what} elapsed (§2.3, §2.4)`);
      const result = await executeSync(t, agent);
      expectRefusal(
        t,
        result,
        [AGENT_EXPIRED, INVALID_JWT],
        `execute by an agent whose ${what} elapsed`,
        '§4.5 step 6, §5.11, RUL-STATE-ERROR-STATUS',
      );
    },
  });
}

export const checks: CheckDefinition[] = [
  expiryCheck('session', 'session TTL'),
  expiryCheck('max', 'max lifetime'),
  defineCheck({
    id: 'server.lifecycle.expiry.execute-code',
    title: 'Execution by an expired agent is answered 403 agent_expired',
    area: 'lifecycle',
    requirements: ['AAP-5.11-ERR.agent_expired', 'AAP-5.13-ERR.agent_expired'],
    level: 'SHOULD',
    rulings: ['RUL-STATE-ERROR-STATUS'],
    needs: [{ control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await agentPastClock(t, 'session');
      const result = await executeSync(t, agent);
      expectRefusal(
        t,
        result,
        [AGENT_EXPIRED],
        'execute by an expired agent',
        '§5.11, §5.13; 401 invalid_jwt is tolerated as a warning by RUL-STATE-ERROR-STATUS',
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.expiry.absolute-clock',
    title: 'An agent past its absolute lifetime is revoked and cannot execute',
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.revoked', 'AAP-5.13-ERR.absolute_lifetime_exceeded'],
    level: 'MUST',
    rulings: ['RUL-ABSOLUTE-LIFETIME-CODE', 'RUL-STATE-ERROR-STATUS'],
    needs: [{ control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await agentPastClock(t, 'absolute');
      await expectAgentStatus(
        t,
        agent,
        'revoked',
        'status after the absolute lifetime elapsed (§2.4: the agent becomes revoked)',
      );
      const result = await executeSync(t, agent);
      const [, code] = expectRefusal(
        t,
        result,
        [[403, 'agent_revoked'], [403, 'absolute_lifetime_exceeded'], INVALID_JWT],
        'execute by an agent past its absolute lifetime',
        '§2.4, §5.13, RUL-ABSOLUTE-LIFETIME-CODE',
      );
      if (code === 'invalid_jwt')
        t.note('refused with 401 invalid_jwt rather than a 403 state code (tolerated by RUL-STATE-ERROR-STATUS)');
    },
  }),
];
