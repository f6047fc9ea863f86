import {
  argumentsFor,
  defineCheck,
  describeAnswer,
  sampleArguments,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { activeGrants, agentWith, profileCapabilities } from './fixtures.ts';

/**
 * Removing a capability changes the server for every check running meanwhile, so only a capability
 * that no profile role names (no other check uses it) is removed; without one the check is skipped.
 * The runner restores it when the check ends.
 */
async function spareCapability(t: CheckContext): Promise<string> {
  // An agent sees capabilities an anonymous caller may not (§5.2).
  const listing = await t.client.listCapabilities(await t.client.activeAgent());
  const entries: unknown[] =
    listing.status === 200 && Array.isArray(listing.json?.capabilities) ? listing.json.capabilities : [];
  if (entries.length === 0)
    t.skip(
      `cannot find a capability to remove: the capability listing answered ${describeAnswer(listing)} without capabilities`,
    );
  const used = profileCapabilities(t);
  const spare = entries
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .find((name): name is string => typeof name === 'string' && !used.includes(name));
  return (
    spare ??
    t.skip(
      `every listed capability plays a role in the target profile (${used.join(', ')}); removing one would break other checks, and no spare capability is left to remove`,
    )
  );
}

/** Arguments for a capability the profile may not know: its own, else samples from the described input schema. */
async function argumentsForSpare(
  t: CheckContext,
  name: string,
  agent: AgentIdentity,
): Promise<Record<string, unknown>> {
  const known = argumentsFor(t.profile, name);
  const described = await t.client.describeCapability(name, agent);
  return described.status === 200 ? { ...sampleArguments(described.json?.input), ...known } : known;
}

/** Grants a spare capability, checks it executes, has the operator remove it, then executes it again. */
async function executeRemovedCapability(t: CheckContext): Promise<{ name: string; result: HttpResult }> {
  const name = await spareCapability(t);
  const agent = await agentWith(t, [name]);
  const held = await activeGrants(t, agent);
  if (!held.includes(name))
    t.fail(
      `precondition: after approval the agent holds no active grant for ${name} (holds: ${held.join(', ') || 'nothing'})`,
    );
  const args = await argumentsForSpare(t, name, agent);
  const before = await t.client.execute(agent, name, args);
  if (before.status < 200 || before.status >= 300) {
    t.skip(
      `${name} does not execute with the sample arguments ${JSON.stringify(args)} (${describeAnswer(before)}), so a refusal after its removal would prove nothing`,
    );
  }
  await t.control!.removeCapability({ name });
  return { name, result: await t.client.execute(agent, name, args) };
}

// restore-capability puts the catalogue back when the check ends, so later checks and runs see it whole.
const NEEDS = [
  { control: 'remove-capability' as const },
  { control: 'restore-capability' as const },
  { control: 'approve' as const },
];

const removedRefused = defineCheck({
  id: 'server.execution.removed-capability.refused',
  title: 'A granted capability the server removed no longer executes',
  area: 'execution',
  requirements: ['AAP-2.12-02', 'AAP-5.11-02'],
  level: 'MUST',
  rulings: ['RUL-REMOVED-CAPABILITY'],
  needs: NEEDS,
  exclusive: true,
  async run(t) {
    const { name, result } = await executeRemovedCapability(t);
    const code = result.json?.error;
    const refused =
      (result.status === 403 && code === 'capability_not_granted') ||
      (result.status === 404 && code === 'capability_not_found');
    if (!refused)
      t.fail(
        `execute ${name} after the operator removed it: expected 403 capability_not_granted (§2.12), got ${describeAnswer(result)}`,
      );
  },
});

const removedCode = defineCheck({
  id: 'server.execution.removed-capability.code',
  title: 'Executing a removed capability with a prior grant answers 403 capability_not_granted with a readable message',
  area: 'execution',
  // The message rides on this check: a removal is permanent, and a target may have few capabilities to spare.
  requirements: ['AAP-2.12-03', 'AAP-2.12-04'],
  level: 'SHOULD',
  rulings: ['RUL-REMOVED-CAPABILITY'],
  needs: NEEDS,
  exclusive: true,
  async run(t: CheckContext) {
    const { name, result } = await executeRemovedCapability(t);
    t.expectError(
      result,
      403,
      'capability_not_granted',
      `execute ${name} after the operator removed it (§2.12, RUL-REMOVED-CAPABILITY)`,
    );
    const message: unknown = result.json?.message;
    t.expect(
      typeof message === 'string' && message.trim() !== '',
      `execute ${name} after the operator removed it: the 403 capability_not_granted carries no human-readable message (§2.12: say that the capability was removed); got ${JSON.stringify(message)}`,
    );
    t.note(`refusal message: ${JSON.stringify(message)}`);
  },
});

export const checks: CheckDefinition[] = [removedRefused, removedCode];
