import {
  defineCheck,
  ErrorResponseSchema,
  type CheckContext,
  type CheckDefinition,
  type Constraints,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { constrainable, sampleValues, type ConstrainableRole } from '../_shared/capabilities.ts';
import { CONSTRAINED_NEEDS } from './fixtures.ts';

/** An operator name no version of the protocol defines. */
const UNKNOWN_OPERATOR = 'conformance_unknown_op';

/** A known operator next to the unknown one, so ignoring the unknown one would still leave a plausible grant. */
function constraintsWithUnknownOperator(t: CheckContext, role: ConstrainableRole): Constraints {
  const { number } = sampleValues(t, role);
  return { [role.numericField]: { max: number + 100, [UNKNOWN_OPERATOR]: number } };
}

async function registerWithUnknownOperator(t: CheckContext): Promise<HttpResult> {
  const role = constrainable(t);
  const host = await t.client.newHost();
  return t.client.register(host, {
    capabilities: [{ name: role.name, constraints: constraintsWithUnknownOperator(t, role) }],
  });
}

const REQUIREMENTS = ['AAP-2.13-10', 'AAP-5.13-ERR.unknown_constraint_operator'];
const WHAT = `a constraint with the unknown operator "${UNKNOWN_OPERATOR}"`;

const atRegistration = defineCheck({
  id: 'server.constraints.unknown-operator.register',
  title: 'Registration refuses a constraint with an unknown operator with 400 unknown_constraint_operator',
  area: 'constraints',
  requirements: [...REQUIREMENTS, 'AAP-5.3-FIELD.capabilities'],
  level: 'MUST',
  needs: [{ capability: 'constrainable' }],
  async run(t) {
    const result = await registerWithUnknownOperator(t);
    t.expectError(result, 400, 'unknown_constraint_operator', `POST register asking for ${WHAT} (§2.13)`);
  },
});

const atCapabilityRequest = defineCheck({
  id: 'server.constraints.unknown-operator.request-capability',
  title: 'Request-capability refuses a constraint with an unknown operator with 400 unknown_constraint_operator',
  area: 'constraints',
  requirements: [...REQUIREMENTS, 'AAP-5.4-FIELD.capabilities'],
  level: 'MUST',
  needs: CONSTRAINED_NEEDS,
  async run(t) {
    const role = constrainable(t);
    const agent = await t.client.activeAgent();
    const result = await t.client.requestCapability(agent, [
      { name: role.name, constraints: constraintsWithUnknownOperator(t, role) },
    ]);
    t.expectError(result, 400, 'unknown_constraint_operator', `POST request-capability asking for ${WHAT} (§2.13)`);
  },
});

const listsOperators = defineCheck({
  id: 'server.constraints.unknown-operator.lists-operators',
  title: 'The unknown_constraint_operator error names the operator in unknown_operators',
  area: 'constraints',
  requirements: ['AAP-2.13-11'],
  level: 'SHOULD',
  needs: [{ capability: 'constrainable' }],
  async run(t) {
    const result = await registerWithUnknownOperator(t);
    t.expectError(result, 400, 'unknown_constraint_operator', `POST register asking for ${WHAT} (§2.13)`);
    const error = t.expectJson(result, ErrorResponseSchema, 'unknown_constraint_operator error');
    const listed = error.unknown_operators ?? [];
    if (!listed.includes(UNKNOWN_OPERATOR)) {
      t.fail(
        `the error's unknown_operators array ${error.unknown_operators === undefined ? 'is missing' : `is ${JSON.stringify(listed)}`}; expected it to name "${UNKNOWN_OPERATOR}" (§2.13)`,
      );
    }
  },
});

export const checks: CheckDefinition[] = [atRegistration, atCapabilityRequest, listsOperators];
