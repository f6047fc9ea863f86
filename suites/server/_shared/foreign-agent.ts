import type { AgentIdentity, CheckContext, HostIdentity, HttpResult } from '../../../src/harness/api.ts';
import { activeSyncAgent } from './execution.ts';
import { expectRefusal, type Refusal } from './refusals.ts';

/**
 * Another host's agent: a victim agent under one host, an approved intruding host, and how the
 * intruder's requests about the victim must be refused (§5.5-§5.8, RUL-FOREIGN-AGENT).
 */

/** Both answers RUL-FOREIGN-AGENT accepts when a host names another host's agent. */
const FOREIGN_AGENT_REFUSALS: readonly Refusal[] = [
  [403, 'unauthorized'],
  [404, 'agent_not_found'],
];

export interface ForeignSetup {
  /** The agent under attack, registered under its own host. */
  victim: AgentIdentity;
  /** The victim's display name, unique to this check: an answer containing it leaks the agent. */
  victimName: string;
  /** An approved host that did not register the victim. */
  intruder: HostIdentity;
}

/** An active agent with a distinctive name under one host, and a second, approved host. */
export async function foreignSetup(t: CheckContext): Promise<ForeignSetup> {
  const victimName = `foreign-target-${crypto.randomUUID()}`;
  const victim = await activeSyncAgent(t, { name: victimName });
  const { host: intruder } = await t.client.linkedHost();
  return { victim, victimName, intruder };
}

/** The victim as the intruder would name it: same agent id, wrong host. */
export function asIntruder(setup: ForeignSetup): AgentIdentity {
  return { ...setup.victim, host: setup.intruder, previousKeys: [] };
}

/**
 * Fails unless the intruder's request was refused as RUL-FOREIGN-AGENT accepts, without revealing
 * the victim's data.
 */
export function expectForeignRefusal(t: CheckContext, result: HttpResult, setup: ForeignSetup, what: string): void {
  expectRefusal(t, result, FOREIGN_AGENT_REFUSALS, what, '§5.5-§5.8, RUL-FOREIGN-AGENT');
  const leaked = result.body.includes(setup.victimName) || result.json?.agent_capability_grants !== undefined;
  t.expect(!leaked, `${what}: the refusal reveals the other host's agent (its name or grants) (RUL-FOREIGN-AGENT)`);
}
