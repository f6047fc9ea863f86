import {
  defineCheck,
  IntrospectActiveResponseSchema,
  type AgentIdentity,
  type CapabilityRequestItem,
  type CheckContext,
  type CheckDefinition,
  type IntrospectActiveResponse,
} from '../../../src/harness/api.ts';
import { INTROSPECT_NEEDS } from './fixtures.ts';

/** Introspects a fresh token of `agent` (aud = issuer unless overridden) and expects an active answer. */
async function expectActive(
  t: CheckContext,
  agent: AgentIdentity,
  what: string,
  capabilities?: string[],
): Promise<IntrospectActiveResponse> {
  const token = await t.client.agentToken(agent, capabilities === undefined ? {} : { capabilities });
  const result = await t.client.introspect(token);
  t.expectStatus(result, 200, `introspect ${what}`);
  return t.expectJson(
    result,
    IntrospectActiveResponseSchema,
    `introspection of ${what} (§5.12 active answer with compact grants)`,
  );
}

function grantNames(answer: IntrospectActiveResponse): string[] {
  return answer.agent_capability_grants.map((grant) => grant.capability);
}

const active = defineCheck({
  id: 'server.introspection.active',
  title: 'A valid token of an active agent introspects as active with agent_id, host_id, mode and compact grants',
  area: 'introspection',
  requirements: [
    'AAP-5.12-RESP.active',
    'AAP-5.12-RESP.agent_id',
    'AAP-5.12-RESP.host_id',
    'AAP-5.12-RESP.mode',
    'AAP-5.12-RESP.agent_capability_grants',
    'AAP-5.12-01',
    'AAP-5.12-02',
    'AAP-5.12-FIELD.token',
  ],
  level: 'MUST',
  rulings: ['RUL-INTROSPECT-AUDIENCE'],
  needs: [...INTROSPECT_NEEDS, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    // A constrained grant shows whether constraints leak into the compact grants.
    const constrainable = t.profile.constrainable;
    const requested: CapabilityRequestItem[] = [sync];
    if (constrainable !== undefined && constrainable.name !== sync) {
      requested.push({
        name: constrainable.name,
        constraints: { [constrainable.stringField]: { not_in: ['conformance-blocked'] } },
      });
    }
    const agent = await t.client.activeAgent({ capabilities: requested });
    const answer = await expectActive(t, agent, 'a valid agent JWT with aud = issuer');
    t.expect(
      answer.agent_id === agent.agentId,
      `agent_id is ${JSON.stringify(answer.agent_id)}, expected the token's sub ${agent.agentId} (§5.12)`,
    );
    t.expect(
      answer.host_id === agent.host.hostId,
      `host_id is ${JSON.stringify(answer.host_id)}, expected ${agent.host.hostId}, the host that registered the agent (§5.12)`,
    );
    t.expect(answer.mode === agent.mode, `mode is ${JSON.stringify(answer.mode)}, expected ${agent.mode} (§5.12)`);
    const names = grantNames(answer);
    t.expect(
      answer.agent_capability_grants.some((grant) => grant.capability === sync && grant.status === 'active'),
      `agent_capability_grants does not list the active grant for ${sync}: ${JSON.stringify(answer.agent_capability_grants)} (§5.12)`,
    );
    if (constrainable !== undefined && !names.includes(constrainable.name)) {
      t.note(`the constrained ${constrainable.name} grant is not listed: ${JSON.stringify(names)}`);
    }
    const location = t.client.locationFor(sync);
    if (location !== t.client.issuer) {
      const forLocation = await t.client.introspect(await t.client.agentToken(agent, { aud: location }));
      t.note(
        `a token with aud = the execution location (${location}) introspected as ${JSON.stringify(forLocation.json?.active ?? forLocation.status)}; either answer is conformant (RUL-INTROSPECT-AUDIENCE)`,
      );
    }
  },
});

const claimFilter = defineCheck({
  id: 'server.introspection.capabilities-claim-filter',
  title: 'Introspecting a token with a capabilities claim lists only the grants named in the claim',
  area: 'introspection',
  requirements: ['AAP-5.12-RESP.agent_capability_grants'],
  level: 'MUST',
  needs: [...INTROSPECT_NEEDS, { capability: 'sync' }, { capability: 'second' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const second = t.capability('second');
    const agent = await t.client.activeAgent({ capabilities: [sync, second] });
    const full = grantNames(await expectActive(t, agent, 'a token without capabilities claim'));
    if (!full.includes(sync) || !full.includes(second)) {
      t.fail(
        `precondition: the unrestricted introspection should list the agent's active grants ${sync} and ${second}, got ${JSON.stringify(full)} (§5.12)`,
      );
    }
    const filtered = grantNames(await expectActive(t, agent, `a token with capabilities ["${sync}"]`, [sync]));
    const extra = filtered.filter((name) => name !== sync);
    t.expect(
      extra.length === 0,
      `with capabilities ["${sync}"] the answer still lists ${JSON.stringify(extra)} (§5.12: only capabilities in the claim)`,
    );
    t.expect(
      filtered.includes(sync),
      `with capabilities ["${sync}"] the answer no longer lists ${sync} itself: ${JSON.stringify(filtered)}`,
    );
  },
});

export const checks: CheckDefinition[] = [active, claimFilter];
