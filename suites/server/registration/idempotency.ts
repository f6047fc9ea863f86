import { defineCheck, type AgentIdentity, type CheckContext, type RegisterResult } from '../../../src/harness/api.ts';
import { activeAgent, expectRegistered, registerPending } from '../_shared/registration.ts';
import { expectApproval } from '../_shared/shape.ts';

/** Registers the agent's own key again under its host, asking for the sync capability as before. */
function registerAgain(t: CheckContext, agent: AgentIdentity): Promise<RegisterResult> {
  return t.client.register(agent.host, { capabilities: [t.capability('sync')], agentKeys: agent.keys });
}

/** An active agent (approved through the operator when needed) holding the sync capability. */
function activeSyncAgent(t: CheckContext): Promise<AgentIdentity> {
  return activeAgent(t, { capabilities: [t.capability('sync')] });
}

const pendingRetryIdempotent = defineCheck({
  id: 'server.registration.pending-retry-idempotent',
  title: 'Repeating a pending registration returns the same agent with an approval flow',
  area: 'registration',
  requirements: ['AAP-5.3-12', 'AAP-7.1-03'],
  level: 'SHOULD',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { agent } = await registerPending(t, { capabilities: [t.capability('sync')] });
    const retry = await registerAgain(t, agent);
    const again = expectRegistered(t, retry, 'repeated registration of the pending agent (§5.3)');
    t.expect(
      again.agentId === agent.agentId,
      `repeating the pending registration created agent ${again.agentId} instead of returning ${agent.agentId} (§5.3)`,
    );
    t.expect(
      retry.json?.status === 'pending',
      `the retry answered status ${JSON.stringify(retry.json?.status)}, expected "pending" (§5.3)`,
    );
    expectApproval(t, retry.json?.approval, 'approval object of the retried registration');
  },
});

/** Re-registers the agent's key under its host and expects 409 agent_exists (§5.3, RUL-AGENT-EXISTS-LEVEL). */
async function expectAgentExists(t: CheckContext, agent: AgentIdentity, state: string): Promise<void> {
  const result = await registerAgain(t, agent);
  if (result.status >= 200 && result.status < 300) {
    t.fail(
      `re-registering the key of the ${state} agent answered ${result.status} (agent ${String(result.json?.agent_id)}), expected 409 agent_exists (§5.3)`,
    );
  }
  t.expectError(result, 409, 'agent_exists', `re-registering the key of the ${state} agent (§5.3)`);
}

const agentExistsRequirements = ['AAP-5.3-13', 'AAP-5.13-ERR.register.agent_exists'];

const agentExistsActive = defineCheck({
  id: 'server.registration.agent-exists-active',
  title: "Registering an active agent's key again answers 409 agent_exists",
  area: 'registration',
  requirements: agentExistsRequirements,
  level: 'SHOULD',
  rulings: ['RUL-AGENT-EXISTS-LEVEL'],
  needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const agent = await activeSyncAgent(t);
    await expectAgentExists(t, agent, 'active');
  },
});

const agentExistsRevoked = defineCheck({
  id: 'server.registration.agent-exists-revoked',
  title: "Registering a revoked agent's key again answers 409 agent_exists",
  area: 'registration',
  requirements: agentExistsRequirements,
  level: 'SHOULD',
  rulings: ['RUL-AGENT-EXISTS-LEVEL'],
  needs: [{ endpoint: 'register' }, { endpoint: 'revoke' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const agent = await activeSyncAgent(t);
    const revoked = await t.client.revoke(agent);
    t.expectStatus(revoked, 200, 'precondition: revoke the agent');
    await expectAgentExists(t, agent, 'revoked');
  },
});

const agentExistsRejected = defineCheck({
  id: 'server.registration.agent-exists-rejected',
  title: "Registering a rejected agent's key again answers 409 agent_exists",
  area: 'registration',
  requirements: agentExistsRequirements,
  level: 'SHOULD',
  rulings: ['RUL-AGENT-EXISTS-LEVEL'],
  needs: [{ endpoint: 'register' }, { control: 'deny' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { agent } = await registerPending(t, { capabilities: [t.capability('sync')] });
    await t.control!.deny({ agent_id: agent.agentId });
    const status = await t.client.awaitAgentStatus(agent, 'rejected');
    if (status.json?.status !== 'rejected') {
      t.skip(
        `the denied agent is not observably rejected (status answered ${status.status} ${JSON.stringify(status.json?.status)}); see the approval denial checks`,
      );
    }
    await expectAgentExists(t, agent, 'rejected');
  },
});

const agentExistsExpired = defineCheck({
  id: 'server.registration.agent-exists-expired',
  title: "Registering an expired agent's key again is refused rather than creating a second agent",
  area: 'registration',
  requirements: agentExistsRequirements,
  level: 'SHOULD',
  rulings: ['RUL-EXPIRED-REREGISTRATION', 'RUL-AGENT-EXISTS-LEVEL'],
  needs: [{ endpoint: 'register' }, { control: 'approve' }, { control: 'expire-agent' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const agent = await activeSyncAgent(t);
    await t.control!.expireAgent({ agent_id: agent.agentId, clock: 'session' });
    const expired = await t.client.awaitAgentStatus(agent, 'expired');
    t.expect(
      expired.json?.status === 'expired',
      `precondition: after its session clock elapsed the agent is ${JSON.stringify(expired.json?.status)}, not expired`,
    );
    const result = await registerAgain(t, agent);
    if (result.status >= 200 && result.status < 300) {
      t.fail(
        `re-registering the key of the expired agent answered ${result.status} (agent ${String(result.json?.agent_id)}); it should be refused, the client reactivates instead (§5.3, §5.13)`,
      );
    }
    t.expect(
      result.status >= 400 && result.status < 500,
      `re-registering the key of the expired agent answered ${result.status}, expected a refusal (409 agent_exists) (§5.13)`,
    );
    if (result.json?.error !== 'agent_exists')
      t.note(`refused with ${result.status} ${String(result.json?.error)}; §5.13 names 409 agent_exists`);
  },
});

export const checks = [
  pendingRetryIdempotent,
  agentExistsActive,
  agentExistsRevoked,
  agentExistsRejected,
  agentExistsExpired,
];
