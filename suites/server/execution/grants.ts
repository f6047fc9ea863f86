import { randomUUID } from 'node:crypto';
import { defineCheck, type CheckContext, type CheckDefinition, type HttpResult } from '../../../src/harness/check.ts';
import { defaultLocation } from '../../../src/harness/endpoints.ts';
import { argumentsFor } from '../../../src/harness/profile.ts';
import { activeGrants, agentWith, describeAnswer, execute, profileCapabilities, roleCapability } from './fixtures.ts';

const NEEDS = [{ capability: 'sync' as const }, { control: 'approve' as const }];

/** Whether the answer is an error with one of the given status/code pairs. */
function isError(result: HttpResult, pairs: [number, string][]): boolean {
  return pairs.some(([status, code]) => result.status === status && result.json?.error === code);
}

/** Executes a capability name the server has never had, at the default location. */
async function executeUnknownCapability(t: CheckContext): Promise<{ name: string; result: HttpResult }> {
  const agent = await agentWith(t, [roleCapability(t, 'sync')]);
  const name = `conformance_missing_${randomUUID().replaceAll('-', '')}`;
  const location = defaultLocation(t.discovery) ?? t.notApplicable('discovery gives no default_location and no execute endpoint');
  return { name, result: await t.client.execute(agent, name, {}, { location }) };
}

const unknownRefused = defineCheck({
  id: 'server.execution.unknown-capability.refused',
  title: 'Executing a capability name that does not exist is refused (404 capability_not_found or 403 capability_not_granted)',
  area: 'execution',
  requirements: ['AAP-5.11-ERR.capability_not_found', 'AAP-5.11-02'],
  level: 'MUST',
  rulings: ['RUL-REMOVED-CAPABILITY'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { name, result } = await executeUnknownCapability(t);
    if (!isError(result, [[404, 'capability_not_found'], [403, 'capability_not_granted']])) {
      t.fail(`execute ${name} (no such capability): expected 404 capability_not_found (§5.11), got ${describeAnswer(result)}`);
    }
  },
});

const unknownCode = defineCheck({
  id: 'server.execution.unknown-capability.code',
  title: 'Executing a capability name that does not exist answers 404 capability_not_found',
  area: 'execution',
  requirements: ['AAP-5.11-ERR.capability_not_found'],
  level: 'SHOULD',
  rulings: ['RUL-REMOVED-CAPABILITY'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { name, result } = await executeUnknownCapability(t);
    t.expectError(result, 404, 'capability_not_found', `execute ${name} (no such capability; §5.11, RUL-REMOVED-CAPABILITY)`);
  },
});

const notGranted = defineCheck({
  id: 'server.execution.not-granted',
  title: 'Executing an existing capability the agent holds no grant for answers 403 capability_not_granted',
  area: 'execution',
  requirements: [
    'AAP-5.11-02',
    'AAP-5.11-ERR.capability_not_granted',
    'AAP-5.13-ERR.agent-authenticated.capability_not_granted',
    'AAP-4.5-STEP10',
  ],
  level: 'MUST',
  needs: NEEDS,
  async run(t: CheckContext) {
    const sync = roleCapability(t, 'sync');
    const agent = await agentWith(t, [sync]);
    const held = await activeGrants(t, agent);
    const target = profileCapabilities(t).find((name) => !held.includes(name));
    if (target === undefined) t.notApplicable(`the agent holds every capability the profile names (${held.join(', ')}), so none is left ungranted`);
    const result = await execute(t, agent, target);
    t.expectError(result, 403, 'capability_not_granted', `execute ${target}, which the agent was never granted (it holds ${held.join(', ') || 'nothing'}; §5.11)`);
  },
});

/** Executes the sync capability with a token restricted to some other capability (§4.3 capabilities claim). */
async function executeOutsideClaim(t: CheckContext): Promise<{ result: HttpResult; claim: string[]; capability: string }> {
  const capability = roleCapability(t, 'sync');
  const agent = await agentWith(t, [capability]);
  const allowed = await execute(t, agent, capability);
  t.expectStatus(allowed, [200, 202], `precondition: execute ${capability} with an unrestricted token`);
  const claim = [profileCapabilities(t).find((name) => name !== capability) ?? 'conformance_other_capability'];
  const listed = await t.client.execute(agent, capability, argumentsFor(t.profile, capability), { capabilities: [capability] });
  t.expectStatus(listed, [200, 202], `execute ${capability} with a token whose capabilities claim lists it (§4.3)`);
  const result = await t.client.execute(agent, capability, argumentsFor(t.profile, capability), { capabilities: claim });
  return { result, claim, capability };
}

const claimRefused = defineCheck({
  id: 'server.execution.capabilities-claim.refused',
  title: "A token whose capabilities claim omits the capability cannot execute it, though the agent holds the grant",
  area: 'execution',
  requirements: ['AAP-4.3-07', 'AAP-4.5-STEP11'],
  level: 'MUST',
  rulings: ['RUL-CAPABILITIES-CLAIM-CODE'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { result, claim, capability } = await executeOutsideClaim(t);
    if (!isError(result, [[403, 'capability_not_granted'], [401, 'invalid_jwt']])) {
      t.fail(`execute ${capability} with capabilities claim ${JSON.stringify(claim)}: expected 403 capability_not_granted (§4.3, §4.5 step 11), got ${describeAnswer(result)}`);
    }
  },
});

const claimCode = defineCheck({
  id: 'server.execution.capabilities-claim.code',
  title: 'A capability outside the token’s capabilities claim is refused with 403 capability_not_granted',
  area: 'execution',
  requirements: ['AAP-4.3-07', 'AAP-4.5-STEP11'],
  level: 'SHOULD',
  rulings: ['RUL-CAPABILITIES-CLAIM-CODE'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { result, claim, capability } = await executeOutsideClaim(t);
    t.expectError(result, 403, 'capability_not_granted', `execute ${capability} with capabilities claim ${JSON.stringify(claim)} (RUL-CAPABILITIES-CLAIM-CODE)`);
  },
});

export const checks: CheckDefinition[] = [unknownRefused, unknownCode, notGranted, claimRefused, claimCode];
