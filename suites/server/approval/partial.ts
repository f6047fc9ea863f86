import {
  ActiveGrantSchema,
  defineCheck,
  DeniedGrantSchema,
  StatusResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { awaitGrantStatus, describeGrants, grantFor, type WireGrant } from '../_shared/grants.ts';
import { registerPending } from '../_shared/registration.ts';
import { expectShape } from '../_shared/shape.ts';
import { expectCannotExecute } from './fixtures.ts';

interface PartialOutcome {
  agent: AgentIdentity;
  status: HttpResult;
  approved: string;
  denied: string;
}

/** Registers for two capabilities, then the user approves only the first (the second is denied). */
async function approveSubset(t: CheckContext): Promise<PartialOutcome> {
  const approved = t.capability('sync');
  const denied = t.capability('second');
  const { agent } = await registerPending(t, { capabilities: [approved, denied] });
  await t.client.approve(agent, [approved]);
  const status = await awaitGrantStatus(t, agent, denied, ['denied']);
  t.expectStatus(status, 200, 'status after partial approval');
  return { agent, status, approved, denied };
}

function deniedGrant(t: CheckContext, status: HttpResult, capability: string): WireGrant {
  const grant = grantFor(status.json, capability);
  t.expect(
    grant?.status === 'denied',
    `after the user declined "${capability}", the grants are ${describeGrants(status.json)}; expected "${capability}" denied (§5.3)`,
  );
  return grant;
}

const partialNeeds = [
  { endpoint: 'register' },
  { endpoint: 'status' },
  { control: 'approve' as const },
  { capability: 'sync' as const },
  { capability: 'second' as const },
];

const partialApproval = defineCheck({
  id: 'server.approval.partial-approval',
  title: 'Approving a subset of the requested capabilities activates the agent with the rest denied',
  area: 'approval',
  requirements: ['AAP-5.3-23', 'AAP-5.3-24', 'AAP-5.3-25', 'AAP-5.3-20', 'AAP-3.3-02', 'AAP-5.5-04', 'AAP-10.1-02'],
  level: 'MUST',
  needs: partialNeeds,
  async run(t: CheckContext) {
    const { status, approved, denied } = await approveSubset(t);
    const body = t.expectJson(status, StatusResponseSchema, 'status after partial approval (§5.5)');
    t.expect(
      body.status === 'active',
      `after approving "${approved}" only, the agent is "${body.status}"; one approved capability makes it active (§5.3)`,
    );
    const active = grantFor(body, approved);
    t.expect(
      active?.status === 'active',
      `after approving "${approved}", the grants are ${describeGrants(body)}; expected "${approved}" active (§5.3)`,
    );
    expectShape(t, active, ActiveGrantSchema, `active grant ${approved} (§5.3)`);
    expectShape(t, deniedGrant(t, status, denied), DeniedGrantSchema, `denied grant ${denied} (§5.3)`);
  },
});

const partialApprovalReason = defineCheck({
  id: 'server.approval.partial-approval-denied-reason',
  title: 'A capability the user declined shows a denied grant with a reason',
  area: 'approval',
  requirements: ['AAP-5.3-29'],
  level: 'SHOULD',
  needs: partialNeeds,
  async run(t: CheckContext) {
    const { status, denied } = await approveSubset(t);
    const reason = deniedGrant(t, status, denied).reason;
    t.expect(
      typeof reason === 'string' && reason.trim() !== '',
      `denied grant ${denied} has reason ${JSON.stringify(reason)}; denied grants should explain the denial in a string reason (§5.3)`,
    );
  },
});

const deniedGrantReason = defineCheck({
  id: 'server.approval.denied-grant-reason',
  title: 'A grant the user denies with a reason shows that denial and a reason in status',
  area: 'approval',
  requirements: ['AAP-5.3-29'],
  level: 'SHOULD',
  needs: [...partialNeeds, { control: 'deny' as const }],
  async run(t: CheckContext) {
    const approved = t.capability('sync');
    const denied = t.capability('second');
    const userReason = 'conformance: the user only wants read access';
    const { agent } = await registerPending(t, { capabilities: [approved, denied] });
    await t.control!.deny({ agent_id: agent.agentId, capabilities: [denied], reason: userReason });
    // The remaining grant still awaits the user unless the server already settled the agent.
    const afterDeny = await t.client.status(agent);
    if (afterDeny.status !== 200 || afterDeny.json?.status === 'pending') await t.client.approve(agent, [approved]);
    const status = await awaitGrantStatus(t, agent, denied, ['denied']);
    t.expectStatus(status, 200, 'status after the denial');
    const reason = deniedGrant(t, status, denied).reason;
    t.expect(
      typeof reason === 'string' && reason.trim() !== '',
      `denied grant ${denied} has reason ${JSON.stringify(reason)} although the user gave one; denied grants should carry a string reason (§5.3, §5.5)`,
    );
    if (reason !== userReason)
      t.note(`the server reports the reason "${reason}" instead of the user's "${userReason}"`);
  },
});

const everyCapabilityDenied = defineCheck({
  id: 'server.approval.every-capability-denied',
  title: 'Approving none of the requested capabilities leaves the agent active with only denied grants, or rejected',
  area: 'approval',
  requirements: ['AAP-5.3-26', 'AAP-5.5-04'],
  level: 'MUST',
  rulings: ['RUL-FULL-DENIAL', 'RUL-NON-ACTIVE-AUTH'],
  needs: partialNeeds,
  async run(t: CheckContext) {
    const requested = [t.capability('sync'), t.capability('second')];
    const { agent, result } = await registerPending(t, { capabilities: requested });
    const userCode: unknown = result.json?.approval?.user_code;
    await t.control!.approve({
      agent_id: agent.agentId,
      capabilities: [],
      ...(typeof userCode === 'string' && { user_code: userCode }),
    });
    const status = await t.client.awaitAgentStatus(agent, ['active', 'rejected']);
    if (status.status === 401 || status.status === 403) {
      t.note(
        `status of the agent answered ${status.status} ${String(status.json?.error)}; checking that its own JWT is refused instead`,
      );
      await expectCannotExecute(t, agent, 'the user approved none of its capabilities');
      return;
    }
    t.expectStatus(status, 200, 'status after every capability was denied');
    const body = t.expectJson(status, StatusResponseSchema, 'status after every capability was denied (§5.5)');
    const undenied = body.agent_capability_grants.filter((grant) => grant.status !== 'denied');
    t.expect(
      body.status === 'rejected' || (body.status === 'active' && undenied.length === 0),
      `after the user approved none of ${requested.join(', ')}, status is "${body.status}" with grants ${describeGrants(body)}; expected "active" with every grant denied, or "rejected" (§5.3, RUL-FULL-DENIAL)`,
    );
  },
});

export const checks = [partialApproval, partialApprovalReason, deniedGrantReason, everyCapabilityDenied];
