import { defineCheck, type AgentIdentity, type CheckContext, type HostIdentity } from '../../../src/harness/api.ts';
import { describeGrants, grantFor, grantsOf } from '../_shared/grants.ts';
import { expectRegistered, fixtureMode } from '../_shared/registration.ts';
import { HOST_DEFAULTS_NEEDS, registerUnderHostDefaults } from './fixtures.ts';

/** Grants that give or promise access: active or pending ones. */
function openGrants(body: unknown): string[] {
  return grantsOf(body)
    .filter((grant) => grant.status === 'active' || grant.status === 'pending')
    .map((grant) => `${String(grant.capability)}=${String(grant.status)}`);
}

const linkedHostDefaultsAutoApproved = defineCheck({
  id: 'server.registration.linked-host-defaults-auto-approved',
  title: "A linked host's delegated agent asking only for the host's default capabilities is active without approval",
  area: 'registration',
  requirements: ['AAP-1.5-01'],
  level: 'MAY',
  needs: HOST_DEFAULTS_NEEDS,
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const result = await registerUnderHostDefaults(t, sync, [sync]);
    t.expect(
      result.json?.status === 'active' && grantFor(result.json, sync)?.status === 'active',
      `a delegated agent of a linked host asking only for its default "${sync}" answered status ${JSON.stringify(result.json?.status)} with grants ${describeGrants(
        result.json,
      )}; the server asks a user again where it may auto-approve within the host defaults (§1.5, §2.9)`,
    );
  },
});

/**
 * A host whose defaults are not empty, to register under: a linked host (defaults narrowed to the sync
 * capability when the operator can set them) when the target can approve, otherwise a fresh host.
 */
async function hostWithDefaults(t: CheckContext): Promise<{ host: HostIdentity; linked: boolean }> {
  if (!t.control?.supports('approve') || !t.discovery.modes.includes('delegated'))
    return { host: await t.client.newHost(), linked: false };
  const sync = t.capability('sync');
  const { host } = await t.client.linkedHost({ capabilities: [sync] });
  if (t.control.supports('set-host-defaults') && host.hostId !== undefined) {
    await t.control.setHostDefaults({ host_id: host.hostId, capabilities: [sync] });
  }
  return { host, linked: true };
}

const noCapabilitiesNoGrants = defineCheck({
  id: 'server.registration.no-capabilities-no-grants',
  title:
    'A registration that asks for no capabilities creates an agent without grants, even under a host with defaults',
  area: 'registration',
  requirements: ['AAP-5.3-07', 'AAP-5.3-FIELD.capabilities'],
  level: 'MUST',
  rulings: ['RUL-EMPTY-REGISTRATION'],
  needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { host, linked } = await hostWithDefaults(t);
    const mode = linked ? 'delegated' : fixtureMode(t);
    const where = linked ? 'a linked host with default capabilities' : 'a new host';
    const result = await t.client.register(host, { mode });
    const agent = expectRegistered(t, result, `registration without capabilities under ${where}`);
    const answered = openGrants(result.json);
    t.expect(
      answered.length === 0,
      `registration without capabilities under ${where} answered grants ${answered.join(', ')}; an agent that asks for nothing starts with no grant (§5.3, RUL-EMPTY-REGISTRATION)`,
    );
    const status = await t.client.status(agent);
    if (status.status === 403 && status.json?.error === 'host_pending') {
      t.note(
        "status of the new host's agent answered 403 host_pending (tolerated by RUL-PENDING-HOST-STATUS); judged on the registration answer only",
      );
      return;
    }
    t.expectStatus(status, 200, 'status of the agent registered without capabilities');
    const held = openGrants(status.json);
    t.expect(
      held.length === 0,
      `status of the agent registered without capabilities under ${where} lists grants ${held.join(', ')}; it asked for nothing (§5.3, RUL-EMPTY-REGISTRATION)`,
    );
    if (result.json?.status !== 'active') {
      t.note(`the agent registered without capabilities is ${JSON.stringify(result.json?.status)}`);
      return;
    }
    await expectCanRequestLater(t, agent, t.capability('sync'));
  },
});

/** The agent asks for a capability after registering without any (§5.3 points to §5.4). */
async function expectCanRequestLater(t: CheckContext, agent: AgentIdentity, capability: string): Promise<void> {
  if (t.client.target.endpoints['request_capability'] === undefined) return;
  const requested = await t.client.requestCapability(agent, [capability]);
  t.expectStatus(
    requested,
    [200, 201],
    `request-capability for "${capability}" by the agent registered without capabilities (§5.3, §5.4)`,
  );
  t.expect(
    grantFor(requested.json, capability) !== undefined,
    `request-capability for "${capability}" answered grants ${describeGrants(requested.json)}, none for the requested capability (§5.4)`,
  );
}

export const checks = [linkedHostDefaultsAutoApproved, noCapabilitiesNoGrants];
