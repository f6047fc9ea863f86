import { argumentsFor, sampleArguments, type AgentIdentity, type CheckContext } from '../../../src/harness/api.ts';

/** A capability object as describe answered it (§5.2.1), unvalidated. */
export type Described = Record<string, unknown>;

/** Describes `name` with `agent`'s JWT; undefined unless the server answers 200 with a JSON object. */
export async function describeAs(t: CheckContext, agent: AgentIdentity, name: string): Promise<Described | undefined> {
  const result = await t.client.describeCapability(name, agent);
  const json: unknown = result.json;
  return result.status === 200 && typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Described) : undefined;
}

/** Execution arguments for `name`: the profile's own over samples of the described input schema. */
export function argumentsOf(t: CheckContext, name: string, described: Described | undefined): Record<string, unknown> {
  return { ...sampleArguments(described?.['input']), ...argumentsFor(t.profile, name) };
}

/** Required fields of a described input schema (none when it has no `required` list). */
export function requiredFields(described: Described | undefined): string[] {
  const input = described?.['input'] as { required?: unknown } | undefined;
  return Array.isArray(input?.required) ? input.required.filter((field): field is string => typeof field === 'string') : [];
}
