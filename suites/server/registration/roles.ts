import type { CapabilityRole, CheckContext } from '../../../src/harness/check.ts';
import { argumentsFor, capabilityForRole } from '../../../src/harness/profile.ts';

/** The capability filling `role` in the target profile; not applicable when the profile names none. */
export function roleCapability(t: CheckContext, role: CapabilityRole): string {
  const name = capabilityForRole(t.profile, role);
  if (name === undefined) t.notApplicable(`the target profile names no capability for the "${role}" role`);
  return name;
}

/** The constrainable capability with its fields and a string value the target accepts for its string field. */
export function constrainable(t: CheckContext): { name: string; numericField: string; stringField: string; stringValue: string } {
  const role = t.profile.constrainable;
  if (role === undefined) t.notApplicable('the target profile names no capability for the "constrainable" role');
  const sample = argumentsFor(t.profile, role.name)[role.stringField];
  return {
    name: role.name,
    numericField: role.numericField,
    stringField: role.stringField,
    stringValue: typeof sample === 'string' ? sample : 'conformance',
  };
}

/** A capability name no server offers, unique to this check run. */
export function unknownCapabilityName(t: CheckContext): string {
  return `conformance_no_such_capability_${t.seed.toString(36)}`;
}
