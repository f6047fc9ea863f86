import { z } from 'zod';
import type { TargetProfile } from './target-profile.ts';

const ArgumentsByCapability = z.record(z.string().min(1), z.record(z.string(), z.unknown()));

/**
 * What an operator's control hook may declare about its capabilities in its discovery answer
 * (spec/control-contract.md §4, `fixtures`): test data nothing on the protocol surface reveals.
 * `arguments` are execution arguments a capability accepts; `failing_arguments` are arguments that
 * make an execution start and then fail (an async job ending "failed", a stream ending in an `error`
 * event). Both are keyed by capability name, since the operator knows capabilities, not the roles
 * this harness gives them.
 */
export const ControlFixturesSchema = z.object({
  arguments: ArgumentsByCapability.optional(),
  failing_arguments: ArgumentsByCapability.optional(),
});
export type ControlFixtures = z.infer<typeof ControlFixturesSchema>;

/** Reads the optional `fixtures` member; a malformed one is ignored with the reason, never fatal. */
export function readFixtures(value: unknown): { fixtures?: ControlFixtures; problem?: string } {
  if (value === undefined) return {};
  const parsed = ControlFixturesSchema.safeParse(value);
  if (parsed.success) return { fixtures: parsed.data };
  return { problem: `control hook "fixtures" ignored: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}` };
}

/** The hook's sample arguments under the given profile's: a profile entry for a capability wins. */
export function withFixtureArguments(
  given: TargetProfile | undefined,
  fixtures: ControlFixtures | undefined,
): TargetProfile | undefined {
  if (fixtures?.arguments === undefined) return given;
  return { ...given, arguments: { ...fixtures.arguments, ...given?.arguments } };
}

/**
 * Fills `failureArguments` for the async and stream roles from the hook's failing arguments of the
 * capability playing each role, where the profile gives none; says in `notes` what it took.
 */
export function withFixtureFailures(
  profile: TargetProfile,
  fixtures: ControlFixtures | undefined,
  notes: string[],
): TargetProfile {
  const failing = fixtures?.failing_arguments;
  if (failing === undefined) return profile;
  const failureArguments = { ...profile.failureArguments };
  for (const role of ['async', 'stream'] as const) {
    const capability = profile[role];
    if (capability === undefined || failureArguments[role] !== undefined) continue;
    const args = failing[capability];
    if (args === undefined) continue;
    failureArguments[role] = args;
    notes.push(`failing arguments for the ${role} capability ${capability}: from the control hook's fixtures`);
  }
  return Object.keys(failureArguments).length > 0 ? { ...profile, failureArguments } : profile;
}
