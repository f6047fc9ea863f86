import { defineCheck, type AgentIdentity, type Approval, type CheckContext } from '../../../src/harness/api.ts';
import { awaitGrantStatus, describeGrants, grantFor } from '../_shared/grants.ts';
import { expectRegistered } from '../_shared/registration.ts';
import { expectApproval } from '../_shared/shape.ts';

/**
 * A registration on a host already linked to a user (so the server knows whom to ask), preferring
 * CIBA for a high-risk capability that always needs approval (§7.2, §7.5).
 */
async function cibaPreferredRegistration(
  t: CheckContext,
): Promise<{ agent: AgentIdentity; approval: Approval; highRisk: string }> {
  const sync = t.capability('sync');
  const highRisk = t.capability('high-risk');
  const { host } = await t.client.linkedHost({ capabilities: [sync] });
  const result = await t.client.register(host, {
    mode: 'delegated',
    capabilities: [highRisk],
    preferred_method: 'ciba',
    binding_message: 'conformance: approve high-risk access',
  });
  const agent = expectRegistered(t, result);
  if (result.json?.status !== 'pending') {
    t.skip(
      `the registration for high-risk "${highRisk}" needed no approval (status ${JSON.stringify(result.json?.status)})`,
    );
  }
  const approval = expectApproval(t, result.json?.approval, 'approval object of the CIBA-preferred registration');
  return { agent, approval, highRisk };
}

const cibaNeeds = [
  { endpoint: 'register' },
  { mode: 'delegated' as const },
  { approvalMethod: 'ciba' },
  { control: 'approve' as const },
  { capability: 'sync' as const },
  { capability: 'high-risk' as const },
];

const cibaApprovalObject = defineCheck({
  id: 'server.approval.ciba-approval-object',
  title:
    'A CIBA-preferred registration on a linked host gets a well-formed approval of an advertised method, and approval activates it',
  area: 'approval',
  requirements: [
    'AAP-7.2-02',
    'AAP-7.5-03',
    'AAP-7-APPROVAL.method',
    'AAP-7-APPROVAL.binding_message',
    'AAP-7-APPROVAL.expires_in',
    'AAP-7-APPROVAL.interval',
    'AAP-5.5-04',
  ],
  level: 'MUST',
  needs: cibaNeeds,
  async run(t: CheckContext) {
    const { agent, approval, highRisk } = await cibaPreferredRegistration(t);
    t.expect(
      t.discovery.approval_methods.includes(approval.method),
      `the approval method "${approval.method}" is not among the advertised approval_methods ${JSON.stringify(t.discovery.approval_methods)} (§7.5)`,
    );
    t.note(`the server chose approval method "${approval.method}"`);
    const userCode =
      'user_code' in approval && typeof approval.user_code === 'string' ? { user_code: approval.user_code } : {};
    await t.control!.approve({ agent_id: agent.agentId, ...userCode });
    const status = await awaitGrantStatus(t, agent, highRisk, ['active']);
    t.expectStatus(status, 200, 'status after approval');
    t.expect(
      status.json?.status === 'active' && grantFor(status.json, highRisk)?.status === 'active',
      `after the user approved, status is ${JSON.stringify(status.json?.status)} with grants ${describeGrants(status.json)}; expected an active agent with "${highRisk}" active (§7.2, §5.5)`,
    );
  },
});

const cibaPreferred = defineCheck({
  id: 'server.approval.ciba-preferred',
  title: 'A server offering CIBA uses it when the client prefers it and the host is linked',
  area: 'approval',
  requirements: ['AAP-7-02', 'AAP-7.2-01'],
  level: 'SHOULD',
  needs: cibaNeeds,
  async run(t: CheckContext) {
    const { approval } = await cibaPreferredRegistration(t);
    t.expect(
      approval.method === 'ciba',
      `the client preferred CIBA on a host linked to a known user, but the server chose "${approval.method}" (§7.2, §7.5)`,
    );
  },
});

export const checks = [cibaApprovalObject, cibaPreferred];
