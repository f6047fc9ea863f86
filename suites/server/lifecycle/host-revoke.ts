import {
  defineCheck,
  describeAnswer,
  RevokeHostResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { expectExecutes } from '../_shared/execution.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import { expectRefusal, isRefusal, withinOneSecond } from '../_shared/refusals.ts';
import { agentsUnderOneHost, control, expectAgentsRefused, expectHostRefused } from './fixtures.ts';

/** How many active agents the host has when it is revoked. */
const AGENT_COUNT = 2;

/** A host with AGENT_COUNT active agents (each executed once), revoked by itself; returns the answer too. */
async function selfRevokedHost(t: CheckContext) {
  const { host, agents } = await agentsUnderOneHost(t, AGENT_COUNT);
  for (const agent of agents) await expectExecutes(t, agent, 'precondition: before the host revokes itself');
  const hostId = await hostIdOf(t, host, agents[0] as AgentIdentity);
  const result = await t.client.revokeHost(host);
  t.expectStatus(result, 200, 'host revoke (§5.10)');
  return { host, hostId, agents, result };
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.host-revoke.response',
    title: 'Host revocation answers {host_id, status: "revoked", agents_revoked} counting its active agents',
    area: 'lifecycle',
    requirements: ['AAP-5.10-RESP.host_id', 'AAP-5.10-RESP.status', 'AAP-5.10-RESP.agents_revoked'],
    level: 'MUST',
    rulings: ['RUL-HOST-REVOKE-COUNT'],
    needs: [{ endpoint: 'revoke_host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { hostId, result } = await selfRevokedHost(t);
      const body = t.expectJson(result, RevokeHostResponseSchema, 'host revoke response (§5.10)');
      t.expect(
        body.host_id === hostId,
        `host revoke response: expected host_id "${hostId}" (§5.10), got "${body.host_id}"`,
      );
      t.expect(
        body.agents_revoked === AGENT_COUNT,
        `host revoke response: the host had ${AGENT_COUNT} active agents, so agents_revoked must be ${AGENT_COUNT} (§5.10, RUL-HOST-REVOKE-COUNT), got ${body.agents_revoked}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.host-revoke.cascades-to-agents',
    title: 'Revoking a host revokes every agent under it, within one second',
    area: 'lifecycle',
    requirements: ['AAP-5.10-02', 'AAP-8.5-01', 'AAP-2.11-05'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY', 'RUL-STATE-ERROR-STATUS'],
    needs: [{ endpoint: 'revoke_host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { agents } = await selfRevokedHost(t);
      await expectAgentsRefused(t, agents, 'after its host revoked itself');
    },
  }),
  defineCheck({
    id: 'server.lifecycle.host-revoke.host-refused',
    title: 'A revoked host can no longer authenticate or register agents',
    area: 'lifecycle',
    requirements: ['AAP-5.10-01', 'AAP-4.5.1-STEP8', 'AAP-2.11-STATE.revoked', 'AAP-2.11-04'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: [{ endpoint: 'revoke_host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { host, agents } = await selfRevokedHost(t);
      await expectHostRefused(t, host, agents[0] as AgentIdentity, 'after the host revoked itself');
      const registration = await t.client.register(host, {});
      t.expect(
        isRefusal(registration),
        `register with the revoked host's JWT: expected a refusal (§2.11: a revoked host must not register agents), got ${describeAnswer(registration)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.host-revoke.host-revoked-code',
    title: "Requests with a revoked host's JWT are answered 403 host_revoked",
    area: 'lifecycle',
    requirements: ['AAP-5.13-ERR.host_revoked'],
    level: 'MUST',
    needs: [{ endpoint: 'revoke_host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { host, agents } = await selfRevokedHost(t);
      const result = await withinOneSecond(() =>
        t.client.status({ host, agentId: (agents[0] as AgentIdentity).agentId }),
      );
      expectRefusal(t, result, [[403, 'host_revoked']], "status with the revoked host's JWT", '§5.13');
    },
  }),
  defineCheck({
    id: 'server.lifecycle.host-revoke.out-of-band',
    title: 'Revoking a host outside the protocol (operator) revokes the host and all its agents',
    area: 'lifecycle',
    requirements: ['AAP-8.8.1-STEP1'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: [{ control: 'revoke-host' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { host, agents } = await agentsUnderOneHost(t, AGENT_COUNT);
      for (const agent of agents) await expectExecutes(t, agent, 'precondition: before the operator revokes the host');
      await control(t).revokeHost({ host_id: await hostIdOf(t, host, agents[0] as AgentIdentity) });
      await expectAgentsRefused(t, agents, 'after the operator revoked its host');
      await expectHostRefused(t, host, agents[0] as AgentIdentity, 'after the operator revoked it');
    },
  }),
];
