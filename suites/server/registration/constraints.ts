import {
  ConstraintsSchema,
  defineCheck,
  ErrorResponseSchema,
  isOperatorObject,
  type CheckContext,
  type ConstraintValue,
  type HttpResult,
  type JsonValue,
} from '../../../src/harness/api.ts';
import { constrainable, sampleValues } from '../_shared/capabilities.ts';
import { awaitGrantStatus, describeGrants, grantFor } from '../_shared/grants.ts';
import { registerPending } from '../_shared/registration.ts';
import { expectShape } from '../_shared/shape.ts';

const REQUESTED_MAX = 50;
const UNKNOWN_OPERATOR = 'conformance_op';

/** Why `granted` admits a number above `max`, or undefined when it is at least as narrow. */
function widerThanMax(granted: ConstraintValue | undefined, max: number): string | undefined {
  if (granted === undefined) return 'the grant leaves the field unconstrained';
  if (typeof granted === 'number') return granted <= max ? undefined : `exact value ${granted} exceeds ${max}`;
  if (isOperatorObject(granted)) {
    if (typeof granted.max === 'number') return granted.max <= max ? undefined : `max ${granted.max} exceeds ${max}`;
    if (Array.isArray(granted.in) && granted.in.every((value) => typeof value === 'number' && value <= max))
      return undefined;
  }
  return `${JSON.stringify(granted)} sets no upper bound of at most ${max}`;
}

/** Why `granted` admits a value outside `allowed`, or undefined when it is at least as narrow. */
function widerThanIn(granted: ConstraintValue | undefined, allowed: readonly JsonValue[]): string | undefined {
  const permitted = new Set(allowed.map((value) => JSON.stringify(value)));
  if (granted === undefined) return 'the grant leaves the field unconstrained';
  if (isOperatorObject(granted)) {
    if (Array.isArray(granted.in) && granted.in.every((value) => permitted.has(JSON.stringify(value))))
      return undefined;
    return `${JSON.stringify(granted)} admits values outside ${JSON.stringify(allowed)}`;
  }
  return permitted.has(JSON.stringify(granted))
    ? undefined
    : `exact value ${JSON.stringify(granted)} is not among ${JSON.stringify(allowed)}`;
}

const constraintsNotWidened = defineCheck({
  id: 'server.registration.constraints-not-widened',
  title: 'Approved grants carry constraints no wider than the agent proposed',
  area: 'registration',
  requirements: ['AAP-2.13-03', 'AAP-5.3-17', 'AAP-2.13-01', 'AAP-5.3-FIELD.capabilities'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'constrainable' }],
  async run(t: CheckContext) {
    const role = constrainable(t);
    const proposed = {
      [role.numericField]: { max: REQUESTED_MAX },
      [role.stringField]: { in: [sampleValues(t, role).string] },
    };
    const { agent } = await registerPending(t, { capabilities: [{ name: role.name, constraints: proposed }] });
    await t.client.approve(agent);
    const status = await awaitGrantStatus(t, agent, role.name, ['active', 'denied']);
    t.expectStatus(status, 200, 'agent status');
    const grant = grantFor(status.json, role.name);
    if (grant?.status === 'denied')
      t.skip(`the server denied the constrained "${role.name}" grant on approval: nothing to compare`);
    t.expect(
      grant?.status === 'active',
      `precondition: after approval the status shows ${describeGrants(status.json)}, no active "${role.name}"`,
    );
    const constraints = expectShape(
      t,
      grant.constraints ?? {},
      ConstraintsSchema,
      `constraints of the ${role.name} grant (§2.13)`,
    );
    const problems = [
      widerThanMax(constraints[role.numericField], REQUESTED_MAX),
      widerThanIn(constraints[role.stringField], [sampleValues(t, role).string]),
    ].filter((problem): problem is string => problem !== undefined);
    t.expect(
      problems.length === 0,
      `proposed ${JSON.stringify(proposed)} but the active grant carries ${JSON.stringify(grant.constraints ?? null)}: ${problems.join('; ')}; a server may narrow proposed constraints but never widen them (§2.13, §5.3)`,
    );
  },
});

async function registerUnknownOperator(t: CheckContext): Promise<HttpResult> {
  const role = constrainable(t);
  const host = await t.client.newHost();
  const result = await t.client.register(host, {
    capabilities: [{ name: role.name, constraints: { [role.numericField]: { [UNKNOWN_OPERATOR]: 5 } } }],
  });
  if (result.status >= 200 && result.status < 300) {
    t.fail(
      `a registration proposing the unknown constraint operator "${UNKNOWN_OPERATOR}" was accepted (status ${JSON.stringify(result.json?.status)}); unknown operators must be refused, never ignored (§2.13)`,
    );
  }
  t.expectError(result, 400, 'unknown_constraint_operator', 'registration with an unknown constraint operator (§2.13)');
  return result;
}

const unknownOperator = defineCheck({
  id: 'server.registration.unknown-constraint-operator',
  title: 'Registering with an unknown constraint operator answers 400 unknown_constraint_operator',
  area: 'registration',
  requirements: ['AAP-2.13-10', 'AAP-5.13-ERR.unknown_constraint_operator'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'constrainable' }],
  async run(t: CheckContext) {
    await registerUnknownOperator(t);
  },
});

const unknownOperatorListed = defineCheck({
  id: 'server.registration.unknown-constraint-operator-listed',
  title: 'The unknown_constraint_operator error names the unknown operators',
  area: 'registration',
  requirements: ['AAP-2.13-11'],
  level: 'SHOULD',
  needs: [{ endpoint: 'register' }, { capability: 'constrainable' }],
  async run(t: CheckContext) {
    const result = await registerUnknownOperator(t);
    const listed = t.expectJson(
      result,
      ErrorResponseSchema,
      'unknown_constraint_operator error (§5.13)',
    ).unknown_operators;
    t.expect(listed !== undefined, 'the unknown_constraint_operator error has no unknown_operators array (§2.13)');
    t.expect(
      listed.includes(UNKNOWN_OPERATOR),
      `unknown_operators ${JSON.stringify(listed)} does not name "${UNKNOWN_OPERATOR}" (§2.13)`,
    );
  },
});

export const checks = [constraintsNotWidened, unknownOperator, unknownOperatorListed];
