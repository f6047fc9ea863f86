import { defineCheck, StatusResponseSchema, type CheckContext, type HttpResult } from '../../../src/harness/api.ts';
import { registerPending } from '../_shared/registration.ts';

/** The status answer a never-seen (hence pending) host gets for its own pending agent. */
async function pendingHostStatus(t: CheckContext): Promise<{ result: HttpResult; agentId: string }> {
  const { agent } = await registerPending(t, { capabilities: [t.capability('sync')] });
  return { result: await t.client.status(agent), agentId: agent.agentId };
}

function expectPendingView(t: CheckContext, result: HttpResult, agentId: string): void {
  const body = t.expectJson(result, StatusResponseSchema, 'status of the pending agent (§5.5)');
  t.expect(body.agent_id === agentId, `status answered agent ${body.agent_id}, asked for ${agentId} (§5.5)`);
  t.expect(
    body.status === 'pending',
    `status reports "${body.status}" for an agent awaiting approval, expected "pending" (§5.3)`,
  );
}

const pendingHostStatusAnswered = defineCheck({
  id: 'server.approval.pending-host-status',
  title: 'A pending host polling its pending agent gets the pending status or 403 host_pending',
  area: 'approval',
  requirements: ['AAP-5.3-22', 'AAP-5.5-01', 'AAP-4.5.1-STEP8'],
  level: 'MUST',
  rulings: ['RUL-PENDING-HOST-STATUS'],
  needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { result, agentId } = await pendingHostStatus(t);
    if (result.status === 403) {
      t.expectError(result, 403, 'host_pending', 'status polled by the pending host (§4.5.1 step 8)');
      t.note(
        'the server refuses status polls from pending hosts (403 host_pending), tolerated by RUL-PENDING-HOST-STATUS',
      );
      return;
    }
    t.expectStatus(result, [200, 403], 'status polled by the pending host (§5.3)');
    expectPendingView(t, result, agentId);
  },
});

const pendingHostStatusAllowed = defineCheck({
  id: 'server.approval.pending-host-status-allowed',
  title: 'A pending host can poll the status of its own pending agent',
  area: 'approval',
  requirements: ['AAP-5.3-22', 'AAP-5.5-01'],
  level: 'SHOULD',
  rulings: ['RUL-PENDING-HOST-STATUS'],
  needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { result, agentId } = await pendingHostStatus(t);
    t.expectStatus(result, 200, 'status polled by the pending host (§5.3, §7.1)');
    expectPendingView(t, result, agentId);
  },
});

export const checks = [pendingHostStatusAnswered, pendingHostStatusAllowed];
