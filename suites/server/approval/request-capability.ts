import {
  ActiveGrantSchema,
  defineCheck,
  DeniedGrantSchema,
  ErrorResponseSchema,
  RequestCapabilityResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { unknownCapabilityName } from '../_shared/capabilities.ts';
import { awaitGrantStatus, describeGrants, grantFor, grantsOf } from '../_shared/grants.ts';
import { activeAgent } from '../_shared/registration.ts';
import { expectApproval, expectShape } from '../_shared/shape.ts';

interface HighRiskRequest {
  agent: AgentIdentity;
  result: HttpResult;
  highRisk: string;
}

/** An active agent holding the sync capability asks for the high-risk one (§5.4). */
async function requestHighRisk(t: CheckContext): Promise<HighRiskRequest> {
  const highRisk = t.capability('high-risk');
  const agent = await activeAgent(t, { capabilities: [t.capability('sync')] });
  const result = await t.client.requestCapability(agent, [highRisk], { reason: 'conformance: needs high-risk access' });
  t.expectStatus(result, [200, 201], `request-capability for "${highRisk}" (§5.4)`);
  return { agent, result, highRisk };
}

const highRiskNeeds = [
  { endpoint: 'request_capability' },
  { control: 'approve' as const },
  { capability: 'sync' as const },
  { capability: 'high-risk' as const },
];

const requestCapabilityResponse = defineCheck({
  id: 'server.approval.request-capability-response',
  title:
    'Requesting a capability answers only the new grant, with an approval object when pending, and the agent stays active',
  area: 'approval',
  requirements: [
    'AAP-5.4-01',
    'AAP-5.4-FIELD.capabilities',
    'AAP-5.4-FIELD.reason',
    'AAP-5.4-RESP.agent_id',
    'AAP-5.4-RESP.agent_capability_grants',
    'AAP-5.4-RESP.approval',
    'AAP-5.4-06',
    'AAP-5.4-07',
  ],
  level: 'MUST',
  needs: [...highRiskNeeds, { endpoint: 'status' }],
  async run(t: CheckContext) {
    const { agent, result, highRisk } = await requestHighRisk(t);
    const body = t.expectJson(result, RequestCapabilityResponseSchema, 'request-capability answer (§5.4)');
    t.expect(
      body.agent_id === agent.agentId,
      `the answer names agent ${body.agent_id}, the request came from ${agent.agentId} (§5.4)`,
    );
    const named = grantsOf(body).map((grant) => grant.capability);
    t.expect(
      named.length === 1 && named[0] === highRisk,
      `the answer lists grants ${describeGrants(body)}; it covers only the requested "${highRisk}" (§5.4)`,
    );
    if (grantFor(body, highRisk)?.status === 'pending')
      expectApproval(t, body.approval, 'approval object of the capability request');
    const status = await t.client.status(agent);
    t.expectStatus(status, 200, 'status after the capability request');
    t.expect(
      status.json?.status === 'active',
      `after requesting a capability the agent is ${JSON.stringify(status.json?.status)}; a capability request leaves it active (§5.4)`,
    );
  },
});

const highRiskNotAutoGranted = defineCheck({
  id: 'server.approval.request-capability-high-risk-pending',
  title: 'A high-risk capability request waits for user approval',
  area: 'approval',
  requirements: ['AAP-8.10-09'],
  level: 'SHOULD',
  needs: highRiskNeeds,
  async run(t: CheckContext) {
    const { result, highRisk } = await requestHighRisk(t);
    const status = grantFor(result.json, highRisk)?.status;
    t.expect(
      status === 'pending',
      `the request for high-risk "${highRisk}" answered grant status ${JSON.stringify(status)}; high-risk capabilities need a user's approval (§8.10)`,
    );
  },
});

const requestedGrantApproved = defineCheck({
  id: 'server.approval.request-capability-approved',
  title: 'Once the user approves a requested capability, status shows it active with full details',
  area: 'approval',
  requirements: ['AAP-5.4-09', 'AAP-5.5-04', 'AAP-5.3-16'],
  level: 'MUST',
  needs: [...highRiskNeeds, { endpoint: 'status' }],
  async run(t: CheckContext) {
    const { agent, result, highRisk } = await requestHighRisk(t);
    if (grantFor(result.json, highRisk)?.status !== 'pending') {
      t.skip(`the request for "${highRisk}" answered ${describeGrants(result.json)}: nothing awaits approval`);
    }
    const userCode: unknown = result.json?.approval?.user_code;
    await t.control!.approve({
      agent_id: agent.agentId,
      capabilities: [highRisk],
      ...(typeof userCode === 'string' && { user_code: userCode }),
    });
    const status = await awaitGrantStatus(t, agent, highRisk, ['active']);
    t.expectStatus(status, 200, 'status after approval');
    const grant = grantFor(status.json, highRisk);
    t.expect(
      grant?.status === 'active',
      `after the user approved "${highRisk}", status shows ${describeGrants(status.json)} (§5.4)`,
    );
    const active = expectShape(t, grant, ActiveGrantSchema, `approved grant ${highRisk} (§5.4)`);
    t.expect(
      typeof active.description === 'string',
      `approved grant ${highRisk} has no description; active grants carry full capability details (§5.4)`,
    );
  },
});

const requestedGrantDenied = defineCheck({
  id: 'server.approval.request-capability-denied',
  title: 'Once the user denies a requested capability, status shows it denied and the agent stays active',
  area: 'approval',
  requirements: ['AAP-5.4-10', 'AAP-5.5-04', 'AAP-5.4-07'],
  level: 'MUST',
  needs: [...highRiskNeeds, { endpoint: 'status' }, { control: 'deny' }],
  async run(t: CheckContext) {
    const { agent, result, highRisk } = await requestHighRisk(t);
    if (grantFor(result.json, highRisk)?.status !== 'pending') {
      t.skip(`the request for "${highRisk}" answered ${describeGrants(result.json)}: nothing awaits a decision`);
    }
    await t.control!.deny({ agent_id: agent.agentId, capabilities: [highRisk], reason: 'conformance: not needed' });
    const status = await awaitGrantStatus(t, agent, highRisk, ['denied']);
    t.expectStatus(status, 200, 'status after the denial');
    const grant = grantFor(status.json, highRisk);
    t.expect(
      grant?.status === 'denied',
      `after the user denied "${highRisk}", status shows ${describeGrants(status.json)} (§5.4, §5.5)`,
    );
    expectShape(t, grant, DeniedGrantSchema, `denied grant ${highRisk} (§5.3)`);
    t.expect(
      status.json?.status === 'active',
      `after a denied capability request the agent is ${JSON.stringify(status.json?.status)}; it stays active (§5.4)`,
    );
  },
});

const alreadyGranted = defineCheck({
  id: 'server.approval.request-capability-already-granted',
  title: 'Requesting only capabilities the agent already holds answers 409 already_granted',
  area: 'approval',
  requirements: ['AAP-5.13-ERR.request-capability.already_granted'],
  level: 'MUST',
  rulings: ['RUL-PARTIAL-ALREADY-GRANTED'],
  needs: [{ endpoint: 'request_capability' }, { endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await activeAgent(t, { capabilities: [sync] });
    const status = await awaitGrantStatus(t, agent, sync, ['active']);
    t.expect(
      grantFor(status.json, sync)?.status === 'active',
      `precondition: the approved agent's grants are ${describeGrants(status.json)}, no active "${sync}"`,
    );
    const result = await t.client.requestCapability(agent, [sync]);
    t.expectError(result, 409, 'already_granted', `request-capability for the already granted "${sync}" (§5.13)`);
  },
});

async function requestUnknown(t: CheckContext): Promise<{ result: HttpResult; unknown: string }> {
  const unknown = unknownCapabilityName(t);
  const agent = await activeAgent(t, { capabilities: [t.capability('sync')] });
  const result = await t.client.requestCapability(agent, [unknown]);
  t.expectError(result, 400, 'invalid_capabilities', `request-capability for the nonexistent "${unknown}" (§5.13)`);
  return { result, unknown };
}

const unknownNeeds = [
  { endpoint: 'request_capability' },
  { control: 'approve' as const },
  { capability: 'sync' as const },
];

const invalidCapabilities = defineCheck({
  id: 'server.approval.request-capability-invalid',
  title: 'Requesting an unknown capability answers 400 invalid_capabilities',
  area: 'approval',
  requirements: ['AAP-5.13-ERR.request-capability.invalid_capabilities'],
  level: 'MUST',
  needs: unknownNeeds,
  async run(t: CheckContext) {
    await requestUnknown(t);
  },
});

const invalidCapabilitiesListed = defineCheck({
  id: 'server.approval.request-capability-invalid-listed',
  title: 'The invalid_capabilities error of request-capability names the unknown capabilities',
  area: 'approval',
  requirements: ['AAP-5.13-06'],
  level: 'SHOULD',
  needs: unknownNeeds,
  async run(t: CheckContext) {
    const { result, unknown } = await requestUnknown(t);
    const listed = t.expectJson(result, ErrorResponseSchema, 'invalid_capabilities error (§5.13)').invalid_capabilities;
    t.expect(listed !== undefined, 'the invalid_capabilities error has no invalid_capabilities array (§5.13)');
    t.expect(
      listed.includes(unknown),
      `invalid_capabilities ${JSON.stringify(listed)} does not name "${unknown}" (§5.13)`,
    );
  },
});

export const checks = [
  requestCapabilityResponse,
  highRiskNotAutoGranted,
  requestedGrantApproved,
  requestedGrantDenied,
  alreadyGranted,
  invalidCapabilities,
  invalidCapabilitiesListed,
];
