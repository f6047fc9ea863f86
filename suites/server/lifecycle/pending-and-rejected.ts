import { defineCheck, type CheckContext, type CheckDefinition, type CheckNeed } from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectAuthRefusal, expectRefusal, INVALID_JWT, type Refusal } from '../_shared/refusals.ts';
import { pendingAgent, rejectedAgent, type PendingAgent } from './fixtures.ts';

const HOST_PENDING: Refusal = [403, 'host_pending'];

/** `agentCode`, plus host_pending when the agent's host is itself pending (§4.5 step 4, §4.5.1 step 8). */
function stateRefusals(pending: PendingAgent, agentCode: string): Refusal[] {
  return pending.hostPending ? [[403, agentCode], HOST_PENDING] : [[403, agentCode]];
}

function noteHostPending(t: { note(message: string): void }, pending: PendingAgent, code: string): void {
  if (pending.hostPending && code === 'host_pending') {
    t.note(
      'the pending agent could only be made under a pending host, which answered host_pending; the agent state itself was not observed',
    );
  }
}

/**
 * Precondition of the refusal checks that accept 401 invalid_jwt: an active agent executes, so a
 * refusal is about the agent's state and not a server that takes no agent JWT at all.
 */
async function expectActiveAgentExecutes(t: CheckContext): Promise<void> {
  await expectExecutes(t, await activeSyncAgent(t), 'precondition: an active agent, for comparison');
}

const PENDING_NEEDS: CheckNeed[] = [{ capability: 'sync' }];
const REJECTED_NEEDS: CheckNeed[] = [{ control: 'deny' }, { capability: 'sync' }];

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.pending.execute-refused',
    title: 'A pending agent cannot execute',
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.pending', 'AAP-4.5-STEP6'],
    level: 'MUST',
    rulings: ['RUL-STATE-ERROR-STATUS'],
    needs: PENDING_NEEDS,
    async run(t: CheckContext) {
      await expectActiveAgentExecutes(t);
      const pending = await pendingAgent(t);
      const result = await executeSync(t, pending.agent);
      const [, code] = expectRefusal(
        t,
        result,
        [...stateRefusals(pending, 'agent_pending'), INVALID_JWT],
        'execute by a pending agent',
        '§2.3, §4.5 step 6, RUL-STATE-ERROR-STATUS',
      );
      noteHostPending(t, pending, code);
    },
  }),
  defineCheck({
    id: 'server.lifecycle.pending.execute-code',
    title: 'Execution by a pending agent is answered 403 agent_pending',
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.agent_pending'],
    level: 'SHOULD',
    rulings: ['RUL-STATE-ERROR-STATUS'],
    needs: PENDING_NEEDS,
    async run(t: CheckContext) {
      const pending = await pendingAgent(t);
      const result = await executeSync(t, pending.agent);
      const [, code] = expectRefusal(
        t,
        result,
        stateRefusals(pending, 'agent_pending'),
        'execute by a pending agent',
        '§5.13; 401 invalid_jwt is tolerated as a warning by RUL-STATE-ERROR-STATUS',
      );
      noteHostPending(t, pending, code);
    },
  }),
  defineCheck({
    id: 'server.lifecycle.pending.reactivate-refused',
    title: 'Reactivating a pending agent answers 403 agent_pending and leaves it pending',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP1', 'AAP-5.13-ERR.reactivate.agent_pending'],
    level: 'MUST',
    needs: [...PENDING_NEEDS, { endpoint: 'reactivate' }],
    async run(t: CheckContext) {
      const pending = await pendingAgent(t);
      const result = await t.client.reactivate(pending.agent);
      const [, code] = expectRefusal(
        t,
        result,
        stateRefusals(pending, 'agent_pending'),
        'reactivate a pending agent',
        '§5.6 step 1',
      );
      noteHostPending(t, pending, code);
      if (pending.hostPending) return;
      const after = await readStatus(t, pending.agent, {}, 'status after the refused reactivation');
      t.expect(
        after.status === 'pending',
        `status after the refused reactivation: expected "pending", got "${after.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.rejected.execute-refused',
    title: 'An agent whose registration was denied cannot execute',
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.rejected'],
    level: 'MUST',
    rulings: ['RUL-NON-ACTIVE-AUTH', 'RUL-FULL-DENIAL'],
    needs: REJECTED_NEEDS,
    async run(t: CheckContext) {
      await expectActiveAgentExecutes(t);
      const rejected = await rejectedAgent(t);
      const result = await executeSync(t, rejected.agent);
      expectAuthRefusal(t, result, 'execute by a rejected agent', '§2.3, RUL-NON-ACTIVE-AUTH');
    },
  }),
  defineCheck({
    id: 'server.lifecycle.rejected.reactivate-refused',
    title: 'Reactivating a rejected agent answers 403 agent_rejected',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP1', 'AAP-5.13-ERR.reactivate.agent_rejected'],
    level: 'MUST',
    rulings: ['RUL-FULL-DENIAL'],
    needs: [...REJECTED_NEEDS, { endpoint: 'reactivate' }],
    async run(t: CheckContext) {
      const rejected = await rejectedAgent(t);
      const result = await t.client.reactivate(rejected.agent);
      const [, code] = expectRefusal(
        t,
        result,
        stateRefusals(rejected, 'agent_rejected'),
        'reactivate a rejected agent',
        '§5.6 step 1',
      );
      noteHostPending(t, rejected, code);
    },
  }),
];
