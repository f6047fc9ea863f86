import { z } from 'zod';
import {
  missingRoleReason,
  defineCheck,
  ReactivateActiveResponseSchema,
  ReactivatePendingResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { activeCapabilities, describeGrants, grantsOf } from '../_shared/grants.ts';
import { hostIdOf, readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT } from '../_shared/refusals.ts';
import { control, expectAgentStatus, expectGrantActive, expiredAgent } from './fixtures.ts';

/**
 * The reactivation answer without the status-view members that RUL-REACTIVATE-FIELDS scores as a
 * warning when absent (checked by server.lifecycle.reactivate.response-fields).
 */
const WARNING_ONLY_FIELDS = { host_id: true, name: true, mode: true, created_at: true } as const;
const ReactivateCoreSchema = z.discriminatedUnion('status', [
  ReactivateActiveResponseSchema.omit(WARNING_ONLY_FIELDS),
  ReactivatePendingResponseSchema.omit(WARNING_ONLY_FIELDS),
]);

/** Reactivates `agent`, expecting 200 with the §5.6 shape for its agent_id; returns the answer and body. */
async function reactivated(t: CheckContext, agent: AgentIdentity, what: string) {
  const result = await t.client.reactivate(agent);
  t.expectStatus(result, 200, what);
  const body = t.expectJson(result, ReactivateCoreSchema, `${what} response (§5.6)`);
  t.expect(
    body.agent_id === agent.agentId,
    `${what}: expected agent_id "${agent.agentId}" (§5.6), got "${body.agent_id}"`,
  );
  return { result, body };
}

/** Reactivates an expired agent and, when the server asks for approval, approves through the operator. */
async function reactivatedToActive(t: CheckContext, agent: AgentIdentity): Promise<void> {
  const { body } = await reactivated(t, agent, 'reactivate the expired agent');
  if (body.status === 'pending') await t.client.approve(agent);
  else await expectAgentStatus(t, agent, 'active', 'status after reactivation');
}

function timestamp(value: unknown): number | undefined {
  return typeof value === 'string' ? Date.parse(value) : undefined;
}

/** The capability to escalate to: one the profile names besides the sync one. */
function escalationCapability(t: CheckContext): string {
  const sync = t.capability('sync');
  const candidate = [t.profile.highRisk, t.profile.second, t.profile['with-input']].find(
    (name) => name !== undefined && name !== sync,
  );
  if (candidate === undefined) t.notApplicable(missingRoleReason('second'));
  return candidate;
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.reactivate.expired-agent',
    title: 'Reactivating an expired agent answers 200 and restarts it (active with a new session, or pending approval)',
    area: 'lifecycle',
    requirements: [
      'AAP-5.6-STEP5',
      'AAP-5.6-STEP6',
      'AAP-5.6-RESP.activated_at',
      'AAP-5.6-RESP.expires_at',
      'AAP-5.6-RESP.approval',
      'AAP-2.5-01',
    ],
    level: 'MUST',
    rulings: ['RUL-REACTIVATION-APPROVAL', 'RUL-REACTIVATE-FIELDS'],
    needs: [{ endpoint: 'reactivate' }, { control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const before = await readStatus(t, agent, {}, 'status before expiry');
      await control(t).expireAgent({ agent_id: agent.agentId, clock: 'session' });
      await expectAgentStatus(t, agent, 'expired', 'precondition: status after the operator expired the session clock');
      const { body } = await reactivated(t, agent, 'reactivate the expired agent');
      const after = await readStatus(t, agent, {}, 'status after reactivation');
      t.expect(
        after.status === body.status,
        `status after reactivation: expected "${body.status}" as the reactivation answered (§5.6 step 6), got "${after.status}"`,
      );
      if (body.status === 'pending') {
        t.note(
          'reactivation needs user approval (pending with an approval object; accepted by RUL-REACTIVATION-APPROVAL)',
        );
        return;
      }
      const activatedAt = Date.parse(body.activated_at);
      t.expect(
        Date.parse(body.expires_at) > activatedAt,
        `reactivation response: expires_at ${body.expires_at} must lie after the new activated_at ${body.activated_at} (§5.6 step 5)`,
      );
      const previous = timestamp(before.json.activated_at);
      if (previous !== undefined) {
        t.expect(
          activatedAt >= previous,
          `reactivation response: activated_at ${body.activated_at} is earlier than the previous activation ${String(before.json.activated_at)} (§5.6 step 5)`,
        );
      }
      if (activeCapabilities(grantsOf(body)).includes(t.capability('sync'))) {
        await expectExecutes(t, agent, 'after reactivation (the response lists an active grant for it)');
      }
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.response-fields',
    title: 'The reactivation answer carries the status fields host_id, name, mode and created_at',
    area: 'lifecycle',
    requirements: ['AAP-5.6-03'],
    level: 'SHOULD',
    rulings: ['RUL-REACTIVATE-FIELDS'],
    needs: [{ endpoint: 'reactivate' }, { control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await expiredAgent(t);
      const { result } = await reactivated(t, agent, 'reactivate the expired agent');
      const missing = Object.keys(WARNING_ONLY_FIELDS).filter(
        (field) => result.json?.[field] === undefined || result.json?.[field] === null,
      );
      t.expect(
        missing.length === 0,
        `reactivation response: missing ${missing.join(', ')}; §5.6 says the answer has every status field (RUL-REACTIVATE-FIELDS)`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.escalation-decays',
    title: 'Reactivation drops capabilities granted by escalation beyond the host defaults',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP3', 'AAP-5.6-STEP4', 'AAP-2.5-02'],
    level: 'MUST',
    rulings: ['RUL-REACTIVATION-APPROVAL'],
    needs: [
      { endpoint: 'reactivate' },
      { endpoint: 'request_capability' },
      { control: 'expire-agent' },
      { control: 'approve' },
      { capability: 'sync' },
    ],
    async run(t: CheckContext) {
      const escalation = escalationCapability(t);
      const { host, agent } = await t.client.linkedHost({ capabilities: [t.capability('sync')] });
      if (control(t).supports('set-host-defaults')) {
        await control(t).setHostDefaults({
          host_id: await hostIdOf(t, host, agent),
          capabilities: [t.capability('sync')],
        });
      }
      const requested = await t.client.requestCapability(agent, [escalation]);
      t.expectStatus(requested, [200, 201, 202], `precondition: request ${escalation} (§5.4)`);
      if (activeCapabilities(grantsOf(requested.json)).includes(escalation)) {
        t.skip(
          `${escalation} was granted without approval, so it is a host default and may legitimately survive reactivation`,
        );
      }
      // The escalation has its own approval; the registration's user_code no longer applies.
      const userCode: unknown = requested.json?.approval?.user_code;
      await control(t).approve({
        agent_id: agent.agentId,
        capabilities: [escalation],
        ...(typeof userCode === 'string' && { user_code: userCode }),
      });
      await expectGrantActive(t, agent, escalation, 'precondition: after the operator approved the escalation');
      await control(t).expireAgent({ agent_id: agent.agentId, clock: 'session' });
      await expectAgentStatus(t, agent, 'expired', 'precondition: status after the operator expired the session clock');
      const { result, body } = await reactivated(t, agent, 'reactivate the expired agent');
      t.expect(
        !activeCapabilities(grantsOf(body)).includes(escalation),
        `reactivation response: the escalated grant ${escalation} is still active (§5.6 step 3, §2.5); grants: ${describeGrants(result.json)}`,
      );
      const after = await readStatus(t, agent, {}, 'status after reactivation');
      t.expect(
        !activeCapabilities(after.grants).includes(escalation),
        `status after reactivation: the escalated grant ${escalation} is still active (§5.6 step 3, §2.5); grants: ${JSON.stringify(after.grants)}`,
      );
      if (body.status === 'pending') t.note('reactivation needs user approval (accepted by RUL-REACTIVATION-APPROVAL)');
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.keeps-absolute-clock',
    title: 'A reactivated agent still becomes revoked when its absolute lifetime runs out',
    area: 'lifecycle',
    requirements: ['AAP-5.6-02'],
    level: 'MUST',
    rulings: ['RUL-ABSOLUTE-LIFETIME-CODE', 'RUL-STATE-ERROR-STATUS'],
    needs: [{ endpoint: 'reactivate' }, { control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await expiredAgent(t);
      await reactivatedToActive(t, agent);
      await control(t).expireAgent({ agent_id: agent.agentId, clock: 'absolute' });
      await expectAgentStatus(
        t,
        agent,
        'revoked',
        'status after the absolute lifetime of the reactivated agent elapsed (§2.4, §2.5)',
      );
      const result = await executeSync(t, agent);
      expectRefusal(
        t,
        result,
        [[403, 'agent_revoked'], [403, 'absolute_lifetime_exceeded'], INVALID_JWT],
        'execute by a reactivated agent past its absolute lifetime',
        '§2.5, RUL-ABSOLUTE-LIFETIME-CODE',
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.absolute-lifetime-exceeded',
    title:
      'Reactivation after the absolute lifetime elapsed fails with 403 absolute_lifetime_exceeded and revokes the agent',
    area: 'lifecycle',
    requirements: ['AAP-5.6-STEP2', 'AAP-5.13-ERR.reactivate.absolute_lifetime_exceeded', 'AAP-2.5-03'],
    level: 'MUST',
    rulings: ['RUL-ABSOLUTE-LIFETIME-CODE'],
    needs: [{ endpoint: 'reactivate' }, { control: 'expire-agent' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await expiredAgent(t);
      await control(t).expireAgent({ agent_id: agent.agentId, clock: 'absolute' });
      const result = await t.client.reactivate(agent);
      expectRefusal(
        t,
        result,
        [[403, 'absolute_lifetime_exceeded']],
        'reactivate an agent past its absolute lifetime',
        '§5.6 step 2, RUL-ABSOLUTE-LIFETIME-CODE',
      );
      const after = await readStatus(t, agent, {}, 'status after the refused reactivation');
      t.expect(
        after.status === 'revoked',
        `status after the refused reactivation: expected "revoked" (§5.6 step 2), got "${after.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.active-noop',
    title: 'Reactivating an active agent answers 200 with its current status and changes nothing',
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.reactivate.active_noop', 'AAP-5.6-STEP1'],
    level: 'MUST',
    needs: [{ endpoint: 'reactivate' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const before = await readStatus(t, agent, {}, 'status before reactivation');
      const result = await t.client.reactivate(agent);
      t.expectStatus(result, 200, 'reactivate an active agent (§5.6 step 1: no-op)');
      t.expect(
        result.json?.status === 'active',
        `reactivate an active agent: expected the current status "active" (§5.6 step 1), got ${JSON.stringify(result.json?.status)}`,
      );
      t.expect(
        result.json?.agent_id === agent.agentId,
        `reactivate an active agent: expected agent_id "${agent.agentId}", got ${JSON.stringify(result.json?.agent_id)}`,
      );
      const after = await readStatus(t, agent, {}, 'status after the no-op reactivation');
      t.expect(
        after.status === 'active',
        `status after the no-op reactivation: expected "active", got "${after.status}"`,
      );
      const grantsBefore = activeCapabilities(before.grants).join(', ');
      const grantsAfter = activeCapabilities(after.grants).join(', ');
      t.expect(
        grantsBefore === grantsAfter,
        `status after the no-op reactivation: active grants changed from [${grantsBefore}] to [${grantsAfter}] (§5.6 step 1)`,
      );
      const activatedBefore = timestamp(before.json.activated_at);
      const activatedAfter = timestamp(after.json.activated_at);
      if (activatedBefore !== undefined && activatedAfter !== undefined) {
        t.expect(
          activatedBefore === activatedAfter,
          `status after the no-op reactivation: activated_at moved from ${String(before.json.activated_at)} to ${String(after.json.activated_at)} (§5.6 step 1: no-op)`,
        );
      }
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.unknown-agent',
    title: 'Reactivating an agent id the server does not know answers 404 agent_not_found',
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.reactivate.agent_not_found'],
    level: 'MUST',
    needs: [{ endpoint: 'reactivate' }, { control: 'approve' }],
    async run(t: CheckContext) {
      const { host } = await t.client.linkedHost();
      const result = await t.client.reactivate({ host, agentId: `agt_unknown_${crypto.randomUUID()}` });
      expectRefusal(t, result, [[404, 'agent_not_found']], 'reactivate an unknown agent id', '§5.13');
    },
  }),
  defineCheck({
    id: 'server.lifecycle.reactivate.missing-agent-id',
    title: 'A reactivation request without agent_id answers 400 invalid_request',
    area: 'lifecycle',
    requirements: ['AAP-5.6-FIELD.agent_id', 'AAP-5.13-ERR.invalid_request'],
    level: 'MUST',
    needs: [{ endpoint: 'reactivate' }, { control: 'approve' }],
    async run(t: CheckContext) {
      const { host } = await t.client.linkedHost();
      const result = await t.client.raw('POST', t.client.endpointUrl('reactivate'), {
        json: {},
        token: await t.client.hostToken(host),
        label: 'reactivate without agent_id',
      });
      expectRefusal(t, result, [[400, 'invalid_request']], 'reactivate without agent_id', '§5.6, §5.13');
    },
  }),
];
