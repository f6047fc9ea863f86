import { isDeepStrictEqual } from 'node:util';
import { defineCheck, type CheckContext, type CheckDefinition, type Constraints } from '../../../src/harness/api.ts';
import { constrainable, sampleValues } from '../_shared/capabilities.ts';
import { isAtLeastAsTight } from './evaluate.ts';
import { CONSTRAINED_NEEDS, constrainedAgent } from './fixtures.ts';

const neverWidened = defineCheck({
  id: 'server.constraints.never-widened',
  title: 'Granted constraints are equal to or tighter than the requested ones, field by field',
  area: 'constraints',
  requirements: ['AAP-2.13-03', 'AAP-5.3-17', 'AAP-2.13-04'],
  level: 'MUST',
  needs: CONSTRAINED_NEEDS,
  async run(t: CheckContext) {
    const role = constrainable(t);
    const values = sampleValues(t, role);
    const requested: Constraints = {
      [role.numericField]: { min: values.number, max: values.number + 10 },
      [role.stringField]: { in: [values.string, `${values.string}-alternative`] },
    };
    if (role.exactField !== undefined) requested[role.exactField] = values.exact;
    const { granted } = await constrainedAgent(t, role, requested);
    for (const [field, constraint] of Object.entries(requested)) {
      const effective = granted?.[field];
      if (effective === undefined) {
        t.fail(
          `the grant lost the requested constraint on "${field}" (${JSON.stringify(constraint)}); granted constraints: ${JSON.stringify(granted ?? null)} (§2.13: never wider than requested)`,
        );
      }
      if (!isAtLeastAsTight(effective, constraint)) {
        t.fail(
          `the granted constraint on "${field}" is ${JSON.stringify(effective)}, wider than the requested ${JSON.stringify(constraint)} (§2.13)`,
        );
      }
      if (!isDeepStrictEqual(effective, constraint)) {
        t.note(
          `"${field}": requested ${JSON.stringify(constraint)}, granted the narrower ${JSON.stringify(effective)}`,
        );
      }
    }
  },
});

export const checks: CheckDefinition[] = [neverWidened];
