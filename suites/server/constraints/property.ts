import fc from 'fast-check';
import {
  checkProperty,
  defineCheck,
  isOperatorObject,
  type CheckContext,
  type CheckDefinition,
  type ConstraintOperatorObject,
  type Constraints,
  type ConstraintValue,
} from '../../../src/harness/api.ts';
import { constrainable, sampleValues, type ConstrainableRole, type SampleValues } from '../_shared/capabilities.ts';
import { isAtLeastAsTight, satisfies } from './evaluate.ts';
import { CONSTRAINED_NEEDS, constrainedAgent } from './fixtures.ts';

/**
 * Random constraint sets over the constrainable capability's fields, each granted to one fresh
 * agent, then random arguments on both sides of the bounds. The harness's own reading of §2.13
 * (evaluate.ts) predicts each execution's outcome from the constraints the server actually granted.
 */

/** Generated cases; each registers and approves one agent and executes a few times. */
const RUNS = 20;
/** Numeric bounds lie this far above the profile's sample number at most (a small span, so arguments often hit a bound). */
const NUMERIC_SPAN = 20;
/** Executions per constraint set, at most. */
const MAX_EXECUTIONS = 6;

const show = (value: unknown) => JSON.stringify(value);

/** The values the generators draw from, anchored on arguments the target accepts. */
interface Domain {
  role: ConstrainableRole;
  values: SampleValues;
  /** Smallest numeric argument; bounds start one above it, so `min - 1` is never below it. */
  base: number;
  strings: string[];
  /** Values for the exact field when it is not the string field. */
  exacts: string[] | undefined;
}

function domainOf(t: CheckContext): Domain {
  const role = constrainable(t);
  const values = sampleValues(t, role);
  const strings = [values.string, `${values.string}-b`, `${values.string}-c`];
  const exacts = values.exactField === role.stringField ? undefined : [values.exact, `${values.exact}-other`];
  return { role, values, base: values.number, strings, exacts };
}

function numericConstraint(d: Domain): fc.Arbitrary<ConstraintOperatorObject> {
  const bound = fc.integer({ min: d.base + 1, max: d.base + NUMERIC_SPAN });
  return fc.oneof(
    bound.map((min) => ({ min })),
    bound.map((max) => ({ max })),
    fc.tuple(bound, bound).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
  );
}

function stringConstraint(d: Domain): fc.Arbitrary<ConstraintValue> {
  const list = fc.uniqueArray(fc.constantFrom(...d.strings), { minLength: 1, maxLength: 2 });
  const forms: fc.Arbitrary<ConstraintValue>[] = [
    list.map((values) => ({ in: values })),
    list.map((values) => ({ not_in: values })),
    fc.tuple(list, list).map(([allowed, excluded]) => ({ in: allowed, not_in: excluded })),
  ];
  // Without a separate exact field, exact values are tried on the string field.
  if (d.exacts === undefined) forms.push(fc.constantFrom(...d.strings));
  return fc.oneof(...forms);
}

/** A constraint set over one to three of the capability's fields (never empty). */
function constraintSets(d: Domain): fc.Arbitrary<Constraints> {
  const fields: Record<string, fc.Arbitrary<ConstraintValue>> = {
    [d.role.numericField]: numericConstraint(d),
    [d.role.stringField]: stringConstraint(d),
  };
  if (d.exacts !== undefined) fields[d.values.exactField] = fc.constantFrom(...d.exacts);
  return fc
    .record(fields, { requiredKeys: [] })
    .filter((constraints) => Object.keys(constraints).length > 0) as fc.Arbitrary<Constraints>;
}

/**
 * How one execution's arguments are chosen: every field gets a value its requested constraint
 * admits, except the field at index `vary` (none when it is past the last field), which gets a
 * value just outside the constraint, on one of its bounds, or anywhere in the domain. Plans are
 * resolved when the case is built, so the counterexample shows plain values while fast-check
 * shrinks constraints and plans independently.
 */
interface ExecutionPlan {
  vary: number;
  kind: 'outside' | 'bound' | 'any';
  index: number;
  fit: number;
}

function executionPlans(fieldCount: number): fc.Arbitrary<ExecutionPlan[]> {
  const plan = fc.record({
    vary: fc.nat(fieldCount),
    kind: fc.constantFrom('outside' as const, 'bound' as const, 'any' as const),
    index: fc.nat(1000),
    fit: fc.nat(1000),
  });
  return fc.array(plan, { minLength: 1, maxLength: MAX_EXECUTIONS });
}

/** The domain values `constraint` admits (all of them when there is none). */
function admitted(constraint: ConstraintValue | undefined, domain: readonly unknown[]): unknown[] {
  return domain.filter((value) => constraint === undefined || satisfies(constraint, value) === true);
}

/** Numbers just outside a numeric constraint's bounds; otherwise the domain values the constraint refuses. */
function outside(constraint: ConstraintValue | undefined, domain: readonly unknown[]): unknown[] {
  if (constraint === undefined) return [];
  if (isOperatorObject(constraint) && (constraint.min !== undefined || constraint.max !== undefined)) {
    return [
      ...(constraint.min === undefined ? [] : [constraint.min - 1]),
      ...(constraint.max === undefined ? [] : [constraint.max + 1]),
    ];
  }
  return domain.filter((value) => satisfies(constraint, value) === false);
}

/** A numeric constraint's bounds; otherwise the values it admits. */
function bounds(constraint: ConstraintValue | undefined, domain: readonly unknown[]): unknown[] {
  if (
    constraint !== undefined &&
    isOperatorObject(constraint) &&
    (constraint.min !== undefined || constraint.max !== undefined)
  ) {
    return [constraint.min, constraint.max].filter((bound) => bound !== undefined);
  }
  return admitted(constraint, domain);
}

function pickFrom(candidates: readonly unknown[], fallback: readonly unknown[], index: number): unknown {
  const pool = candidates.length > 0 ? candidates : fallback;
  return pool[index % pool.length];
}

function resolvePlan(
  plan: ExecutionPlan,
  domains: [string, readonly unknown[]][],
  constraints: Constraints,
): Record<string, unknown> {
  return Object.fromEntries(
    domains.map(([field, domain], position) => {
      const constraint = constraints[field];
      if (position !== plan.vary) return [field, pickFrom(admitted(constraint, domain), domain, plan.fit + position)];
      const candidates =
        plan.kind === 'outside'
          ? outside(constraint, domain)
          : plan.kind === 'bound'
            ? bounds(constraint, domain)
            : domain;
      return [field, pickFrom(candidates, domain, plan.index)];
    }),
  );
}

/** The values each constrained field's arguments come from, numeric field first. */
function argumentDomains(d: Domain): [string, readonly unknown[]][] {
  const numbers = Array.from({ length: NUMERIC_SPAN + 2 }, (_, i) => d.base + i);
  const domains: [string, readonly unknown[]][] = [
    [d.role.numericField, numbers],
    [d.role.stringField, d.strings],
  ];
  if (d.exacts !== undefined) domains.push([d.values.exactField, d.exacts]);
  return domains;
}

interface ConstraintCase {
  constraints: Constraints;
  /** Argument overrides for the constrained fields, one execution each. */
  argumentList: Record<string, unknown>[];
}

/** A constraint set and one to MAX_EXECUTIONS argument sets, each inside the constraints or just off in one field. */
function constraintCases(d: Domain): fc.Arbitrary<ConstraintCase> {
  const domains = argumentDomains(d);
  return fc.tuple(constraintSets(d), executionPlans(domains.length)).map(([constraints, plans]) => ({
    constraints,
    argumentList: plans.map((plan) => resolvePlan(plan, domains, constraints)),
  }));
}

/** Fails unless every requested constraint survives in the grant at least as tight (§2.13). */
function expectNotWidened(t: CheckContext, requested: Constraints, granted: Constraints | undefined): void {
  for (const [field, constraint] of Object.entries(requested)) {
    const effective = granted?.[field];
    if (effective === undefined || !isAtLeastAsTight(effective, constraint)) {
      t.fail(
        `requested ${show(requested)}, the server granted ${show(granted ?? null)}: the constraint on "${field}" ` +
          `${effective === undefined ? 'was dropped' : `was widened to ${show(effective)}`} (§2.13: never wider than requested)`,
      );
    }
  }
}

/** The granted constraints `args` break, by field; undefined when a granted operator is unknown to this suite. */
function brokenConstraints(granted: Constraints, args: Record<string, unknown>): string[] | undefined {
  const broken: string[] = [];
  for (const [field, constraint] of Object.entries(granted)) {
    const verdict = satisfies(constraint, args[field]);
    if (verdict === undefined) return undefined;
    if (!verdict) broken.push(field);
  }
  return broken;
}

const randomConstraints = defineCheck({
  id: 'server.constraints.property.random-constraints',
  title:
    'Execution under random constraint sets is allowed or refused with 403 constraint_violated exactly as §2.13 predicts',
  area: 'constraints',
  requirements: [
    'AAP-2.13-07',
    'AAP-2.13-OP.min',
    'AAP-2.13-OP.max',
    'AAP-2.13-OP.in',
    'AAP-2.13-OP.not_in',
    'AAP-2.13-08',
    'AAP-2.13-03',
    'AAP-5.3-17',
    'AAP-5.11-26',
    'AAP-5.11-27',
    'AAP-5.11-ERR.constraint_violated',
    'AAP-5.13-ERR.agent-authenticated.constraint_violated',
    'AAP-4.5-STEP12',
  ],
  level: 'MUST',
  needs: CONSTRAINED_NEEDS,
  async run(t: CheckContext) {
    const d = domainOf(t);
    await checkProperty(
      t,
      [constraintCases(d)],
      async ({ constraints, argumentList }) => {
        const { agent, granted } = await constrainedAgent(t, d.role, constraints);
        expectNotWidened(t, constraints, granted);
        for (const overrides of argumentList) {
          const args = { ...d.values.args, ...overrides };
          const broken = brokenConstraints(granted ?? {}, args);
          if (broken === undefined) {
            t.skip(
              `the server granted ${show(granted)}, which uses constraint operators this suite does not know, so it cannot predict executions`,
            );
          }
          const result = await t.client.execute(agent, d.role.name, args);
          const what = `execute ${d.role.name} with ${show(overrides)} under the granted constraints ${show(granted ?? null)} (requested ${show(constraints)})`;
          if (broken.length === 0) {
            t.expectStatus(result, [200, 202], `${what}: the arguments meet every constraint (§2.13)`);
          } else {
            t.expectError(
              result,
              403,
              'constraint_violated',
              `${what}: the arguments break the constraint on ${broken.join(', ')} (§2.13, §5.11)`,
            );
          }
        }
      },
      { numRuns: RUNS },
    );
  },
});

export const checks: CheckDefinition[] = [randomConstraints];
