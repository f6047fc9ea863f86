import {
  defineCheck,
  ErrorResponseSchema,
  type CheckContext,
  type CheckDefinition,
  type ConstraintValue,
} from '../../../src/harness/api.ts';
import { constrainable, sampleValues, type ConstrainableRole, type SampleValues } from '../_shared/capabilities.ts';
import { satisfies } from './evaluate.ts';
import { CONSTRAINED_NEEDS, constrainedAgent } from './fixtures.ts';

/** One constraint on one field, with argument values inside and outside it. */
interface Probe {
  field: string;
  constraint: ConstraintValue;
  inside: unknown[];
  outside: unknown[];
}

interface OperatorCase {
  key: string;
  title: string;
  requirements: string[];
  probe(role: ConstrainableRole, values: SampleValues): Probe;
}

const ENFORCEMENT = [
  'AAP-5.11-26',
  'AAP-5.11-27',
  'AAP-5.11-ERR.constraint_violated',
  'AAP-5.13-ERR.agent-authenticated.constraint_violated',
  'AAP-4.5-STEP12',
];

const CASES: OperatorCase[] = [
  {
    key: 'exact',
    title: 'an exact-value constraint',
    requirements: ['AAP-2.13-07'],
    probe: (_role, v) => ({
      field: v.exactField,
      constraint: v.exact,
      inside: [v.exact],
      outside: [`${v.exact}-other`],
    }),
  },
  {
    key: 'min',
    title: 'the min operator (inclusive)',
    requirements: ['AAP-2.13-OP.min'],
    probe: (role, v) => ({
      field: role.numericField,
      constraint: { min: v.number },
      inside: [v.number],
      outside: [v.number - 1],
    }),
  },
  {
    key: 'max',
    title: 'the max operator (inclusive)',
    requirements: ['AAP-2.13-OP.max'],
    probe: (role, v) => ({
      field: role.numericField,
      constraint: { max: v.number },
      inside: [v.number],
      outside: [v.number + 1],
    }),
  },
  {
    key: 'in',
    title: 'the in operator',
    requirements: ['AAP-2.13-OP.in'],
    probe: (role, v) => ({
      field: role.stringField,
      constraint: { in: [v.string, `${v.string}-alternative`] },
      inside: [v.string],
      outside: [`${v.string}-outside`],
    }),
  },
  {
    key: 'not-in',
    title: 'the not_in operator',
    requirements: ['AAP-2.13-OP.not_in'],
    probe: (role, v) => ({
      field: role.stringField,
      constraint: { not_in: [`${v.string}-blocked`] },
      inside: [v.string],
      outside: [`${v.string}-blocked`],
    }),
  },
  {
    key: 'min-max',
    title: 'min and max combined on one field (inclusive range)',
    requirements: ['AAP-2.13-08', 'AAP-2.13-OP.min', 'AAP-2.13-OP.max'],
    probe: (role, v) => ({
      field: role.numericField,
      constraint: { min: v.number, max: v.number + 10 },
      inside: [v.number, v.number + 10],
      outside: [v.number - 1, v.number + 11],
    }),
  },
];

const show = (value: unknown) => JSON.stringify(value);

/** Skips when the server narrowed the grant so far that the in-bounds arguments are no longer allowed (§2.13 permits narrowing). */
function requireAllowedByGrant(
  t: CheckContext,
  granted: Record<string, ConstraintValue> | undefined,
  args: Record<string, unknown>,
  requested: string,
): void {
  for (const [field, constraint] of Object.entries(granted ?? {})) {
    if (satisfies(constraint, args[field]) !== true) {
      t.skip(
        `the server granted ${show(granted)} for the requested ${requested}; the arguments ${show(args)} break its ${field} constraint, so the operator cannot be probed at the requested bounds`,
      );
    }
  }
}

function operatorCheck(c: OperatorCase): CheckDefinition {
  return defineCheck({
    id: `server.constraints.${c.key}`,
    title: `Execution enforces ${c.title}: values inside run, values outside get 403 constraint_violated`,
    area: 'constraints',
    requirements: [...c.requirements, ...ENFORCEMENT],
    level: 'MUST',
    needs: CONSTRAINED_NEEDS,
    async run(t) {
      const role = constrainable(t);
      const values = sampleValues(t, role);
      const { field, constraint, inside, outside } = c.probe(role, values);
      const requested = show({ [field]: constraint });
      const { agent, granted } = await constrainedAgent(t, role, { [field]: constraint });
      for (const value of inside) {
        const args = { ...values.args, [field]: value };
        requireAllowedByGrant(t, granted, args, requested);
        const result = await t.client.execute(agent, role.name, args);
        t.expectStatus(
          result,
          [200, 202],
          `execute ${role.name} with ${field}=${show(value)}, inside the requested ${requested} (§2.13)`,
        );
      }
      for (const value of outside) {
        const result = await t.client.execute(agent, role.name, { ...values.args, [field]: value });
        t.expectError(
          result,
          403,
          'constraint_violated',
          `execute ${role.name} with ${field}=${show(value)}, outside the requested ${requested} (§2.13, §5.11)`,
        );
      }
    },
  });
}

const violationsArray = defineCheck({
  id: 'server.constraints.violations-array',
  title: 'A constraint_violated error lists the violated constraint in a violations array',
  area: 'constraints',
  requirements: ['AAP-5.11-28', 'AAP-5.13-07'],
  level: 'SHOULD',
  needs: CONSTRAINED_NEEDS,
  async run(t: CheckContext) {
    const role = constrainable(t);
    const values = sampleValues(t, role);
    const constraint = { max: values.number };
    const { agent } = await constrainedAgent(t, role, { [role.numericField]: constraint });
    const outside = values.number + 1;
    const result = await t.client.execute(agent, role.name, { ...values.args, [role.numericField]: outside });
    t.expectError(
      result,
      403,
      'constraint_violated',
      `execute ${role.name} with ${role.numericField}=${outside} above ${show(constraint)} (§5.11)`,
    );
    const error = t.expectJson(result, ErrorResponseSchema, 'constraint_violated error');
    t.expect(
      error.violations !== undefined,
      `the constraint_violated error has no violations array naming the broken constraint (§5.11); body: ${result.body.slice(0, 300)}`,
    );
    t.expect(
      error.violations.some((violation) => violation.field === role.numericField),
      `the violations array does not name the field "${role.numericField}" (§5.11): ${show(error.violations)}`,
    );
  },
});

export const checks: CheckDefinition[] = [...CASES.map(operatorCheck), violationsArray];
