import {
  defineCheck,
  StatusResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { describeGrants, grantFor, grantsOf } from '../_shared/grants.ts';
import { registerPending } from '../_shared/registration.ts';
import { expectApproval } from '../_shared/shape.ts';
import { expectCannotExecute } from './fixtures.ts';

/** A pending registration under a fresh host whose approval the server runs as device authorization. */
async function pendingDeviceRegistration(t: CheckContext): Promise<AgentIdentity> {
  const sync = t.capability('sync');
  const { agent, result } = await registerPending(t, {
    capabilities: [sync],
    preferred_method: 'device_authorization',
  });
  const approval = expectApproval(t, result.json?.approval, 'approval object of the pending registration');
  if (approval.method !== 'device_authorization') {
    t.notApplicable(
      `the server chose approval method "${approval.method}" for a never-seen host, not device_authorization`,
    );
  }
  return agent;
}

const deviceApproved = defineCheck({
  id: 'server.approval.device-authorization-approved',
  title: 'Approving a device-authorization request makes the agent and its grants active',
  area: 'approval',
  requirements: [
    'AAP-7.1-STEP3',
    'AAP-7-01',
    'AAP-7.1-01',
    'AAP-5.5-01',
    'AAP-5.5-04',
    'AAP-5.5-RESP.agent_id',
    'AAP-5.5-RESP.host_id',
    'AAP-5.5-RESP.name',
    'AAP-5.5-RESP.status',
    'AAP-5.5-RESP.mode',
    'AAP-5.5-RESP.agent_capability_grants',
    'AAP-5.5-RESP.created_at',
  ],
  level: 'MUST',
  needs: [
    { endpoint: 'register' },
    { endpoint: 'status' },
    { approvalMethod: 'device_authorization' },
    { control: 'approve' },
    { capability: 'sync' },
  ],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await pendingDeviceRegistration(t);
    await t.client.approve(agent);
    const status = await t.client.status(agent);
    t.expectStatus(status, 200, 'status after approval');
    const body = t.expectJson(status, StatusResponseSchema, 'status after approval (§5.5)');
    t.expect(body.status === 'active', `after the user approved, status is "${body.status}", expected "active" (§7.1)`);
    t.expect(
      grantFor(body, sync)?.status === 'active',
      `after the user approved, the grants are ${describeGrants(body)}; the requested "${sync}" should be active (§7.1, §5.5)`,
    );
  },
});

/** The agent's status after the operator denied its whole registration, or how the server refused to tell. */
async function statusAfterDenial(t: CheckContext, agent: AgentIdentity): Promise<HttpResult> {
  await t.control!.deny({ agent_id: agent.agentId, reason: 'conformance: denied by the user' });
  return t.client.awaitAgentStatus(agent, ['rejected', 'active']);
}

const deviceDeniedNotActive = defineCheck({
  id: 'server.approval.device-authorization-denied-unusable',
  title: 'Denying a device-authorization request leaves the agent without any active grant',
  area: 'approval',
  requirements: ['AAP-5.5-04'],
  level: 'MUST',
  rulings: ['RUL-FULL-DENIAL', 'RUL-NON-ACTIVE-AUTH'],
  needs: [
    { endpoint: 'register' },
    { endpoint: 'status' },
    { approvalMethod: 'device_authorization' },
    { control: 'deny' },
    { capability: 'sync' },
  ],
  async run(t: CheckContext) {
    const agent = await pendingDeviceRegistration(t);
    const status = await statusAfterDenial(t, agent);
    if (status.status === 401 || status.status === 403) {
      t.note(
        `status of the denied agent answered ${status.status} ${String(status.json?.error)}; checking that its own JWT is refused instead`,
      );
      await expectCannotExecute(t, agent, 'the user denied the registration');
      return;
    }
    t.expectStatus(status, 200, 'status after denial');
    const body = t.expectJson(status, StatusResponseSchema, 'status after denial (§5.5)');
    const active = grantsOf(body).filter((grant) => grant.status === 'active');
    t.expect(
      body.status === 'rejected' || (body.status === 'active' && active.length === 0),
      `after the user denied the request, status is "${body.status}" with grants ${describeGrants(body)}; expected "rejected" (§7.1, RUL-FULL-DENIAL)`,
    );
    if (body.status === 'active')
      t.note('the denied agent is active with no active grant (scored by the denied-rejected check)');
  },
});

const deviceDeniedRejected = defineCheck({
  id: 'server.approval.device-authorization-denied-rejected',
  title: 'Denying a device-authorization request moves the agent to rejected',
  area: 'approval',
  requirements: ['AAP-7.1-04', 'AAP-2.3-STATE.rejected'],
  level: 'SHOULD',
  rulings: ['RUL-FULL-DENIAL'],
  needs: [
    { endpoint: 'register' },
    { endpoint: 'status' },
    { approvalMethod: 'device_authorization' },
    { control: 'deny' },
    { capability: 'sync' },
  ],
  async run(t: CheckContext) {
    const agent = await pendingDeviceRegistration(t);
    const status = await statusAfterDenial(t, agent);
    if (status.status === 401 || status.status === 403) {
      t.skip(
        `status of the denied agent answered ${status.status} ${String(status.json?.error)}, so its state cannot be observed`,
      );
    }
    t.expectStatus(status, 200, 'status after denial');
    const body = t.expectJson(status, StatusResponseSchema, 'status after denial (§5.5)');
    t.expect(
      body.status === 'rejected',
      `after the user denied the request, status is "${body.status}" with grants ${describeGrants(body)}; a denied registration becomes "rejected" (§7.1, §2.3, RUL-FULL-DENIAL)`,
    );
  },
});

export const checks = [deviceApproved, deviceDeniedNotActive, deviceDeniedRejected];
