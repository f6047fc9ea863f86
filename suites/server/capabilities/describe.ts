import {
  CapabilitySchema,
  defineCheck,
  type Auth,
  type Capability,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { capabilityCaller, unknownCapabilityName } from '../_shared/capabilities.ts';
import { activeAgent } from '../_shared/registration.ts';
import { activeGrantNames, listAll } from './fixtures.ts';

/** Describes `name` and requires a 200 capability object naming that capability (§5.2.1). */
async function describedCapability(
  t: CheckContext,
  name: string,
  auth: Auth,
): Promise<{ result: HttpResult; capability: Capability }> {
  const result = await t.client.describeCapability(name, auth);
  t.expectStatus(result, 200);
  const capability = t.expectJson(result, CapabilitySchema);
  t.expect(capability.name === name, `describe ${name}: the answer names "${capability.name}" (§5.2.1)`);
  return { result, capability };
}

function expectNoGrantStatus(t: CheckContext, capability: Capability, who: string): void {
  t.expect(
    capability.grant_status === undefined,
    `describe ${capability.name} with ${who}: grant_status "${capability.grant_status}" is present, but it belongs only to agent-JWT answers (§5.2.1, §2.12)`,
  );
}

const commonRequirements = [
  'AAP-5.2.1-01',
  'AAP-5.2.1-02',
  'AAP-5.2.1-04',
  'AAP-5.2.1-PARAM.name',
  'AAP-2.12-FIELD.name',
  'AAP-2.12-FIELD.description',
  'AAP-2.12-FIELD.grant_status',
];

const describeWithoutAuth = defineCheck({
  id: 'server.capabilities.describe-no-auth',
  title: 'Describing a public capability without authentication returns it without grant_status',
  area: 'capabilities',
  requirements: commonRequirements,
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }, { endpoint: 'describe_capability' }],
  async run(t: CheckContext) {
    const probe = await t.client.listCapabilities('none');
    if (probe.status === 401)
      t.notApplicable('the server lists no capability without authentication, so none is public');
    const [first] = await listAll(t, 'none');
    if (first === undefined) t.notApplicable('the unauthenticated listing is empty: no public capability to describe');
    const { capability } = await describedCapability(t, first.name, 'none');
    expectNoGrantStatus(t, capability, 'no authentication');
  },
});

const describeWithHostJwt = defineCheck({
  id: 'server.capabilities.describe-host-jwt',
  title: "Describing a capability with a linked host's JWT returns it without grant_status",
  area: 'capabilities',
  requirements: commonRequirements,
  level: 'MUST',
  needs: [{ endpoint: 'describe_capability' }, { mode: 'delegated' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const { host } = await t.client.linkedHost({ capabilities: [sync] });
    const { capability } = await describedCapability(t, sync, host);
    expectNoGrantStatus(t, capability, 'a host JWT');
  },
});

const describeWithAgentJwt = defineCheck({
  id: 'server.capabilities.describe-agent-jwt',
  title: "Describing with an agent JWT states the capability's grant_status for that agent",
  area: 'capabilities',
  requirements: [...commonRequirements, 'AAP-5.2.1-03'],
  level: 'MUST',
  needs: [{ endpoint: 'describe_capability' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await activeAgent(t, { capabilities: [sync] });
    const active = await activeGrantNames(t, agent);
    t.expect(active.has(sync), `precondition: the approved agent holds no active "${sync}" grant in its status`);
    const granted = await describedCapability(t, sync, agent);
    t.expect(
      granted.capability.grant_status === 'granted',
      `describe ${sync} with the JWT of an agent holding it: grant_status is ${JSON.stringify(granted.capability.grant_status)}, expected "granted" (§5.2.1)`,
    );
    const entries = t.client.target.endpoints['capabilities'] ? await listAll(t, agent) : [];
    const other = entries.find((entry) => !active.has(entry.name));
    if (other === undefined) {
      t.note('every listed capability is granted to the agent: the "not_granted" case was not observed');
      return;
    }
    const notGranted = await describedCapability(t, other.name, agent);
    t.expect(
      notGranted.capability.grant_status === 'not_granted',
      `describe ${other.name} with the JWT of an agent not holding it: grant_status is ${JSON.stringify(notGranted.capability.grant_status)}, expected "not_granted" (§5.2.1)`,
    );
  },
});

const describeSchemas = defineCheck({
  id: 'server.capabilities.describe-input-schema',
  title: 'Describe returns the input JSON Schema of a capability that takes arguments',
  area: 'capabilities',
  requirements: ['AAP-5.2.1-01', 'AAP-5.2.1-04', 'AAP-2.12-FIELD.input', 'AAP-2.12-FIELD.output'],
  level: 'MUST',
  needs: [{ endpoint: 'describe_capability' }, { capability: 'with-input' }],
  async run(t: CheckContext) {
    const name = t.capability('with-input');
    const { capability } = await describedCapability(t, name, await capabilityCaller(t));
    const input = capability.input;
    t.expect(
      input !== undefined,
      `describe ${name}: no "input" schema, though the capability takes a required argument (§5.2.1)`,
    );
    const required: unknown = input['required'];
    const properties: unknown = input['properties'];
    t.expect(
      Array.isArray(required) && required.length > 0,
      `describe ${name}: the input schema lists no required fields (${JSON.stringify(input)}), though the capability takes a required argument (§5.2.1)`,
    );
    t.expect(
      typeof properties === 'object' &&
        properties !== null &&
        required.every((field) => typeof field === 'string' && field in properties),
      `describe ${name}: the input schema's required fields ${JSON.stringify(required)} are not all defined under "properties" (§5.2.1)`,
    );
    if (capability.output === undefined) t.note(`describe ${name}: no output schema (allowed when none is defined)`);
  },
});

const describeUnknown = defineCheck({
  id: 'server.capabilities.describe-unknown',
  title: 'Describing a capability name that does not exist answers 404 capability_not_found',
  area: 'capabilities',
  requirements: ['AAP-5.2.1-06', 'AAP-5.13-ERR.capability-describe.capability_not_found'],
  level: 'MUST',
  needs: [{ endpoint: 'describe_capability' }],
  async run(t: CheckContext) {
    const result = await t.client.describeCapability(unknownCapabilityName(t), await capabilityCaller(t));
    t.expectError(result, 404, 'capability_not_found', 'describe an unknown capability (§5.2.1)');
  },
});

export const checks = [
  describeWithoutAuth,
  describeWithHostJwt,
  describeWithAgentJwt,
  describeSchemas,
  describeUnknown,
];
