import { randomUUID } from 'node:crypto';
import {
  argumentsFor,
  defaultLocation,
  defineCheck,
  describeAnswer,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import { activeGrants, agentWith, execute, profileCapabilities } from './fixtures.ts';

const NEEDS = [{ capability: 'sync' as const }, { control: 'approve' as const }];

/** Whether the answer is an error with one of the given status/code pairs. */
function isError(result: HttpResult, pairs: [number, string][]): boolean {
  return pairs.some(([status, code]) => result.status === status && result.json?.error === code);
}

/** Executes a capability name the server has never had, at the default location. */
async function executeUnknownCapability(t: CheckContext): Promise<{ name: string; result: HttpResult }> {
  const agent = await agentWith(t, [t.capability('sync')]);
  const name = `conformance_missing_${randomUUID().replaceAll('-', '')}`;
  const location =
    defaultLocation(t.discovery) ?? t.notApplicable('discovery gives no default_location and no execute endpoint');
  return { name, result: await t.client.execute(agent, name, {}, { location }) };
}

const unknownRefused = defineCheck({
  id: 'server.execution.unknown-capability.refused',
  title:
    'Executing a capability name that does not exist is refused (404 capability_not_found or 403 capability_not_granted)',
  area: 'execution',
  requirements: ['AAP-5.11-ERR.capability_not_found', 'AAP-5.11-02'],
  level: 'MUST',
  rulings: ['RUL-REMOVED-CAPABILITY'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { name, result } = await executeUnknownCapability(t);
    if (
      !isError(result, [
        [404, 'capability_not_found'],
        [403, 'capability_not_granted'],
      ])
    ) {
      t.fail(
        `execute ${name} (no such capability): expected 404 capability_not_found (§5.11), got ${describeAnswer(result)}`,
      );
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
    t.expectError(
      result,
      404,
      'capability_not_found',
      `execute ${name} (no such capability; §5.11, RUL-REMOVED-CAPABILITY)`,
    );
  },
});

/**
 * An active agent holding the sync capability, and a capability it holds no grant for that lies outside
 * its host's default capabilities: the operator narrows the defaults to what the agent holds, or else the
 * high-risk capability (never pre-authorized) is preferred. §1.5 counts host defaults as pre-authorized,
 * so executing one is judged separately (RUL-HOST-DEFAULT-EXECUTION).
 */
async function agentAndUngrantedCapability(t: CheckContext, opts: { hostDefault: boolean }) {
  const agent = await agentWith(t, [t.capability('sync')]);
  const held = await activeGrants(t, agent);
  const highRisk = t.profile.highRisk;
  const candidates = profileCapabilities(t).filter((name) => !held.includes(name));
  // A high-risk capability is never among host defaults, so it serves the strict case and never the default one.
  const ordered = opts.hostDefault
    ? candidates.filter((name) => name !== highRisk)
    : [...candidates.filter((name) => name === highRisk), ...candidates.filter((name) => name !== highRisk)];
  const target = ordered[0];
  if (target === undefined)
    t.notApplicable(
      `the agent holds every capability the profile names (${held.join(', ')}), so none is left ungranted`,
    );
  let defaults: string | undefined;
  if (opts.hostDefault || (target !== highRisk && t.control?.supports('set-host-defaults'))) {
    const capabilities = opts.hostDefault ? [...held, target] : held;
    await t.control!.setHostDefaults({ host_id: await hostIdOf(t, agent.host, agent), capabilities });
    defaults = capabilities.join(', ') || 'none';
  }
  return { agent, held, target, defaults };
}

const notGranted = defineCheck({
  id: 'server.execution.not-granted',
  title:
    'Executing an existing capability the agent holds no grant for, outside its host defaults, answers 403 capability_not_granted',
  area: 'execution',
  requirements: [
    'AAP-5.11-02',
    'AAP-5.11-ERR.capability_not_granted',
    'AAP-5.13-ERR.agent-authenticated.capability_not_granted',
    'AAP-4.5-STEP10',
  ],
  level: 'MUST',
  rulings: ['RUL-HOST-DEFAULT-EXECUTION'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { agent, held, target, defaults } = await agentAndUngrantedCapability(t, { hostDefault: false });
    const outside =
      defaults !== undefined
        ? `; the host defaults are now ${defaults}`
        : target === t.profile.highRisk
          ? '; it is the high-risk capability, never a host default'
          : '';
    const result = await execute(t, agent, target);
    t.expectError(
      result,
      403,
      'capability_not_granted',
      `execute ${target}, which the agent was never granted (it holds ${held.join(', ') || 'nothing'}${outside}; §5.11)`,
    );
  },
});

const notGrantedHostDefault = defineCheck({
  id: 'server.execution.not-granted-host-default',
  title: 'Executing a host default capability the agent holds no grant for answers 403 capability_not_granted',
  area: 'execution',
  requirements: ['AAP-5.11-02', 'AAP-5.11-ERR.capability_not_granted', 'AAP-4.5-STEP10'],
  level: 'SHOULD',
  rulings: ['RUL-HOST-DEFAULT-EXECUTION'],
  needs: [...NEEDS, { control: 'set-host-defaults' as const }],
  async run(t: CheckContext) {
    const { agent, held, target, defaults } = await agentAndUngrantedCapability(t, { hostDefault: true });
    const result = await execute(t, agent, target);
    if (result.status >= 200 && result.status < 300) {
      const after = await activeGrants(t, agent);
      t.fail(
        `execute ${target}, a default capability of the host (defaults ${defaults}) that the agent held no grant for (it held ${held.join(', ') || 'nothing'}), was answered ${describeAnswer(result)}${after.includes(target) ? ' and status now lists an active grant for it' : ''}: the capability was granted on the spot without a request (§5.11, RUL-HOST-DEFAULT-EXECUTION)`,
      );
    }
    t.expectError(
      result,
      403,
      'capability_not_granted',
      `execute ${target}, a host default capability the agent holds no grant for (§5.11, RUL-HOST-DEFAULT-EXECUTION)`,
    );
  },
});

/** Executes the sync capability with a token restricted to some other capability (§4.3 capabilities claim). */
async function executeOutsideClaim(
  t: CheckContext,
): Promise<{ result: HttpResult; claim: string[]; capability: string }> {
  const capability = t.capability('sync');
  const agent = await agentWith(t, [capability]);
  const allowed = await execute(t, agent, capability);
  t.expectStatus(allowed, [200, 202], `precondition: execute ${capability} with an unrestricted token`);
  const claim = [profileCapabilities(t).find((name) => name !== capability) ?? 'conformance_other_capability'];
  const listed = await t.client.execute(agent, capability, argumentsFor(t.profile, capability), {
    capabilities: [capability],
  });
  t.expectStatus(listed, [200, 202], `execute ${capability} with a token whose capabilities claim lists it (§4.3)`);
  const result = await t.client.execute(agent, capability, argumentsFor(t.profile, capability), {
    capabilities: claim,
  });
  return { result, claim, capability };
}

const claimRefused = defineCheck({
  id: 'server.execution.capabilities-claim.refused',
  title: 'A token whose capabilities claim omits the capability cannot execute it, though the agent holds the grant',
  area: 'execution',
  requirements: ['AAP-4.3-07', 'AAP-4.5-STEP11', 'AAP-4.3-CLAIM.capabilities'],
  level: 'MUST',
  rulings: ['RUL-CAPABILITIES-CLAIM-CODE'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { result, claim, capability } = await executeOutsideClaim(t);
    if (
      !isError(result, [
        [403, 'capability_not_granted'],
        [401, 'invalid_jwt'],
      ])
    ) {
      t.fail(
        `execute ${capability} with capabilities claim ${JSON.stringify(claim)}: expected 403 capability_not_granted (§4.3, §4.5 step 11), got ${describeAnswer(result)}`,
      );
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
    t.expectError(
      result,
      403,
      'capability_not_granted',
      `execute ${capability} with capabilities claim ${JSON.stringify(claim)} (RUL-CAPABILITIES-CLAIM-CODE)`,
    );
  },
});

export const checks: CheckDefinition[] = [
  unknownRefused,
  unknownCode,
  notGranted,
  notGrantedHostDefault,
  claimRefused,
  claimCode,
];
