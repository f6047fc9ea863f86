import {
  missingRoleReason,
  argumentsFor,
  capabilityForRole,
  type Auth,
  type CheckContext,
  type TargetProfile,
} from '../../../src/harness/api.ts';
import { activeAgent } from './registration.ts';

/**
 * Capabilities as checks name and call them: a name no server offers, the least privileged caller of
 * the capability endpoints, and the profile's constrainable capability with values it accepts.
 */

/** A capability name no server offers, unique to this check run. */
export function unknownCapabilityName(t: CheckContext): string {
  return `conformance_no_such_capability_${t.seed.toString(36)}`;
}

/**
 * The least privileged caller the capability endpoints answer: anonymous when the server lists
 * capabilities without authentication, otherwise an active agent (which needs the approve hook).
 */
export async function capabilityCaller(t: CheckContext): Promise<Auth> {
  const anonymous = await t.client.listCapabilities('none');
  if (anonymous.status === 200) return 'none';
  t.note(`unauthenticated listing answered ${anonymous.status}; using an agent JWT instead`);
  const sync = capabilityForRole(t.profile, 'sync');
  return activeAgent(t, sync === undefined ? {} : { capabilities: [sync] });
}

/** The profile's constrainable capability: its name and the fields worth constraining. */
export type ConstrainableRole = NonNullable<TargetProfile['constrainable']>;

/** The profile's constrainable capability; not applicable when the profile names none. */
export function constrainable(t: CheckContext): ConstrainableRole {
  return t.profile.constrainable ?? t.notApplicable(missingRoleReason('constrainable'));
}

/** Execution arguments the target accepts for the constrainable capability, and its field values. */
export interface SampleValues {
  args: Record<string, unknown>;
  /** A number the numeric field accepts (the profile's, else 10). */
  number: number;
  /** A string the string field accepts (the profile's, else "conformance"). */
  string: string;
  /** The field for exact-value constraints (exactField, else stringField) and a value it accepts. */
  exactField: string;
  exact: string;
}

/** Values the constrainable capability's fields accept: the profile's arguments, else stock samples. */
export function sampleValues(t: CheckContext, role: ConstrainableRole): SampleValues {
  const args = argumentsFor(t.profile, role.name);
  const number = typeof args[role.numericField] === 'number' ? (args[role.numericField] as number) : 10;
  const string = typeof args[role.stringField] === 'string' ? (args[role.stringField] as string) : 'conformance';
  const exactField = role.exactField ?? role.stringField;
  const exact = typeof args[exactField] === 'string' ? (args[exactField] as string) : 'conformance-exact';
  return {
    args: { ...args, [role.numericField]: number, [role.stringField]: string, [exactField]: exact },
    number,
    string,
    exactField,
    exact,
  };
}
