import {
  ActiveGrantSchema,
  argumentsFor,
  type AgentIdentity,
  type CheckContext,
  type CheckNeed,
  type Constraints,
  type TargetProfile,
} from '../../../src/harness/api.ts';

export const CONSTRAINED_NEEDS: CheckNeed[] = [{ capability: 'constrainable' }, { control: 'approve' }];

export type ConstrainableRole = NonNullable<TargetProfile['constrainable']>;

export function constrainable(t: CheckContext): ConstrainableRole {
  return t.profile.constrainable ?? t.notApplicable('the target profile names no "constrainable" capability');
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

export interface ConstrainedAgent {
  agent: AgentIdentity;
  /** The constraints of the active grant as status reports them after approval (§5.3: the effective limits). */
  granted: Constraints | undefined;
}

/** An active agent whose grant of the constrainable capability was requested with `constraints`. */
export async function constrainedAgent(t: CheckContext, role: ConstrainableRole, constraints: Constraints): Promise<ConstrainedAgent> {
  const agent = await t.client.activeAgent({ capabilities: [{ name: role.name, constraints }] });
  const status = await t.client.status(agent);
  t.expectStatus(status, 200, 'status after approval');
  const grants: unknown[] = Array.isArray(status.json?.agent_capability_grants) ? status.json.agent_capability_grants : [];
  const entry = grants.find(
    (grant) => (grant as { capability?: unknown; status?: unknown } | null)?.capability === role.name && (grant as { status?: unknown }).status === 'active',
  );
  if (entry === undefined) {
    t.fail(`precondition: after approval, status lists no active grant for ${role.name} (requested with constraints ${JSON.stringify(constraints)})`);
  }
  const parsed = ActiveGrantSchema.safeParse(entry);
  if (!parsed.success) t.fail(`the active ${role.name} grant does not have the §5.3 grant shape: ${parsed.error.message}`);
  return { agent, granted: parsed.data.constraints ?? undefined };
}
