import {
  argumentsFor,
  capabilityForRole,
  sampleArguments,
  sleep as wait,
  type AgentIdentity,
  type CapabilityRole,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';

/** An active agent whose registration asked for `capabilities` (approved through the control hook). */
export function agentWith(t: CheckContext, capabilities: string[]): Promise<AgentIdentity> {
  return t.client.activeAgent({ capabilities });
}

export function execute(t: CheckContext, agent: AgentIdentity, capability: string): Promise<HttpResult> {
  return t.client.execute(agent, capability, argumentsFor(t.profile, capability));
}

/** Names of the agent's grants that status reports as active. */
export async function activeGrants(t: CheckContext, agent: AgentIdentity): Promise<string[]> {
  const status = await t.client.status(agent);
  t.expectStatus(status, 200, 'status of the agent');
  const grants: unknown[] = Array.isArray(status.json?.agent_capability_grants)
    ? status.json.agent_capability_grants
    : [];
  return grants
    .map((grant) => grant as { capability?: unknown; status?: unknown } | null)
    .filter((grant) => grant?.status === 'active' && typeof grant.capability === 'string')
    .map((grant) => grant!.capability as string);
}

/** Every capability the profile names for some role. */
export function profileCapabilities(t: CheckContext): string[] {
  const roles: CapabilityRole[] = ['sync', 'with-input', 'constrainable', 'async', 'stream', 'second', 'high-risk'];
  const names = roles
    .map((role) => capabilityForRole(t.profile, role))
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}

/** Whether `url` shares its origin with the issuer or with `location`. */
export function isTargetOrigin(t: CheckContext, url: string, location: string): boolean {
  const origin = (value: string) => {
    try {
      return new URL(value).origin;
    } catch {
      return undefined;
    }
  };
  const target = origin(url);
  return target !== undefined && (target === origin(t.client.issuer) || target === origin(location));
}

/** Waits as a server suggested, but never more than the one second a check may sleep. */
export function sleep(ms: number): Promise<void> {
  return wait(Math.min(ms, 1000));
}

/** A capability object as describe answered it (§5.2.1), unvalidated. */
export type Described = Record<string, unknown>;

/** Describes `name` with `agent`'s JWT; undefined unless the server answers 200 with a JSON object. */
export async function describeAs(t: CheckContext, agent: AgentIdentity, name: string): Promise<Described | undefined> {
  const result = await t.client.describeCapability(name, agent);
  const json: unknown = result.json;
  return result.status === 200 && typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Described)
    : undefined;
}

/** Execution arguments for `name`: the profile's own over samples of the described input schema. */
export function argumentsOf(t: CheckContext, name: string, described: Described | undefined): Record<string, unknown> {
  return { ...sampleArguments(described?.['input']), ...argumentsFor(t.profile, name) };
}

/** Required fields of a described input schema (none when it has no `required` list). */
export function requiredFields(described: Described | undefined): string[] {
  const input = described?.['input'] as { required?: unknown } | undefined;
  return Array.isArray(input?.required)
    ? input.required.filter((field): field is string => typeof field === 'string')
    : [];
}
