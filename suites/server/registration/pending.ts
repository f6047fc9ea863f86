import { defineCheck, type AgentMode, type CheckContext } from '../../../src/harness/api.ts';
import { describeGrants, grantsOf } from '../_shared/grants.ts';
import { expectRegistered, registerPending } from '../_shared/registration.ts';

/** A never-seen host key registers an agent: the answer must be pending with no active grant (§8.10). */
async function expectFirstContactPending(t: CheckContext, mode: AgentMode): Promise<void> {
  const sync = t.capability('sync');
  const host = await t.client.newHost();
  const result = await t.client.register(host, { mode, capabilities: [sync] });
  expectRegistered(t, result);
  const active = grantsOf(result.json).filter((grant) => grant.status === 'active');
  t.expect(
    result.json?.status === 'pending' && active.length === 0,
    `first ${mode} registration by a never-seen host key answered status ${JSON.stringify(result.json?.status)} with grants ${describeGrants(
      result.json,
    )}; a new host and its agent stay pending with nothing granted until a user approves (§2.8, §8.10)`,
  );
}

const firstContactRequirements = [
  'AAP-8.10-01',
  'AAP-8.10-02',
  'AAP-8.10-03',
  'AAP-4.5.1-02',
  'AAP-5.3-RESP.status',
  'AAP-2.11-STATE.pending',
];

const unknownHostPending = defineCheck({
  id: 'server.registration.unknown-host-pending',
  title: "A never-seen host's delegated registration is pending with no active grant",
  area: 'registration',
  requirements: firstContactRequirements,
  level: 'MUST',
  rulings: ['RUL-UNKNOWN-HOST-AUTONOMOUS'],
  needs: [{ endpoint: 'register' }, { mode: 'delegated' }, { capability: 'sync' }],
  run: (t: CheckContext) => expectFirstContactPending(t, 'delegated'),
});

const unknownHostAutonomousPending = defineCheck({
  id: 'server.registration.unknown-host-autonomous-pending',
  title: "A never-seen host's autonomous registration is pending with no active grant",
  area: 'registration',
  requirements: firstContactRequirements,
  level: 'MUST',
  rulings: ['RUL-UNKNOWN-HOST-AUTONOMOUS'],
  needs: [{ endpoint: 'register' }, { mode: 'autonomous' }, { capability: 'sync' }],
  run: (t: CheckContext) => expectFirstContactPending(t, 'autonomous'),
});

const pendingHostAgentsPending = defineCheck({
  id: 'server.registration.pending-host-agents-stay-pending',
  title: 'A second agent registered by a still-pending host is a new agent and stays pending',
  area: 'registration',
  requirements: ['AAP-2.11-02', 'AAP-2.11-03', 'AAP-5.3-10', 'AAP-5.3-11'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const { host, agent: first } = await registerPending(t, { capabilities: [sync] });
    const result = await t.client.register(host, { capabilities: [sync] });
    const second = expectRegistered(t, result, 'second registration by the pending host (§2.11)');
    t.expect(
      second.agentId !== first.agentId,
      `a registration with a new agent key returned the first agent's id ${first.agentId}; a new (host, key) pair creates a new agent (§5.3)`,
    );
    const active = grantsOf(result.json).filter((grant) => grant.status === 'active');
    t.expect(
      result.json?.status === 'pending' && active.length === 0,
      `the second agent of a host that is still pending answered status ${JSON.stringify(result.json?.status)} with grants ${describeGrants(
        result.json,
      )}; agents of a pending host stay pending until the host is approved (§2.11)`,
    );
  },
});

const hostNameGrantsNothing = defineCheck({
  id: 'server.registration.host-name-grants-nothing',
  title: "Reusing a linked host's name from a new host key earns no auto-approval",
  area: 'registration',
  requirements: ['AAP-5.3-06', 'AAP-3.1-01'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { mode: 'delegated' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const { host: linked } = await t.client.linkedHost({ capabilities: [sync] });
    const impostor = await t.client.newHost({ name: linked.name });
    const result = await t.client.register(impostor, { capabilities: [sync], host_name: linked.name });
    expectRegistered(t, result);
    const active = grantsOf(result.json).filter((grant) => grant.status === 'active');
    t.expect(
      result.json?.status === 'pending' && active.length === 0,
      `a new host key sending the linked host's name "${linked.name}" answered status ${JSON.stringify(
        result.json?.status,
      )} with grants ${describeGrants(result.json)}; host_name is informational and earns no trust (§5.3, §3.1)`,
    );
  },
});

export const checks = [
  unknownHostPending,
  unknownHostAutonomousPending,
  pendingHostAgentsPending,
  hostNameGrantsNothing,
];
