import {
  argumentsFor,
  defaultLocation,
  defineCheck,
  describeAnswer,
  isAbsoluteHttpUrl,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { agentWith, argumentsOf, describeAs, profileCapabilities } from './fixtures.ts';

/** Most capabilities described while looking for one with its own location. */
const MAX_DESCRIBED = 30;

/** Capability names the agent sees listed (§5.2), at most MAX_DESCRIBED. */
async function listedNames(t: CheckContext, agent: AgentIdentity): Promise<string[]> {
  const listing = await t.client.listCapabilities(agent);
  const entries: unknown[] =
    listing.status === 200 && Array.isArray(listing.json?.capabilities) ? listing.json.capabilities : [];
  return entries
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string')
    .slice(0, MAX_DESCRIBED);
}

/**
 * Capabilities naming their own absolute `location`: those learned at setup plus those an agent's
 * describe answers name, profile capabilities first (their arguments are known).
 */
async function ownLocations(t: CheckContext, agent: AgentIdentity): Promise<Map<string, string>> {
  const found = new Map(Object.entries(t.client.target.capabilityLocations));
  const preferred = profileCapabilities(t);
  const names = [...new Set([...preferred, ...(await listedNames(t, agent))])].filter((name) => !found.has(name));
  for (const name of names) {
    const location = (await describeAs(t, agent, name))?.['location'];
    if (typeof location === 'string' && isAbsoluteHttpUrl(location)) found.set(name, location);
  }
  return new Map([...found].sort(([a], [b]) => Number(!preferred.includes(a)) - Number(!preferred.includes(b))));
}

const executesAtLocation = defineCheck({
  id: 'server.execution.capability-location',
  title: 'A capability executes at its own location with aud = that location (or, without one, at default_location)',
  area: 'execution',
  requirements: ['AAP-2.12-FIELD.location'],
  level: 'MAY',
  needs: [{ capability: 'sync' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const scout = await agentWith(t, [sync]);
    const [own] = await ownLocations(t, scout);
    if (own === undefined) {
      const location =
        defaultLocation(t.discovery) ??
        t.notApplicable('no capability names its own location and discovery gives no default_location');
      const result = await t.client.execute(scout, sync, argumentsFor(t.profile, sync), { location, aud: location });
      t.expectStatus(
        result,
        200,
        `execute ${sync}, which names no location, at default_location ${location} with aud = that URL (§2.12)`,
      );
      t.note(`no described capability names its own location; ${sync} executed at default_location instead`);
      return;
    }
    const [name, location] = own;
    const agent = name === sync ? scout : await agentWith(t, [name]);
    const args = argumentsOf(t, name, await describeAs(t, agent, name));
    const result = await t.client.execute(agent, name, args, { location, aud: location });
    if (result.error || result.status < 200 || result.status >= 300) {
      t.fail(
        `execute ${name} at its own location ${location} with aud = that URL and arguments ${JSON.stringify(args)}: expected a 2xx answer (§2.12, §2.15), got ${describeAnswer(result)}`,
      );
    }
    t.note(`${name} executed at its own location ${location}`);
  },
});

export const checks: CheckDefinition[] = [executesAtLocation];
