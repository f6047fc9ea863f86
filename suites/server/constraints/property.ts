import fc from 'fast-check';
import {
  checkProperty,
  revokeCreatedSoFar,
  defineCheck,
  isOperatorObject,
  nearBoundary,
  type CheckContext,
  type CheckDefinition,
  type ConstraintOperatorObject,
  type Constraints,
  type ConstraintValue,
} from '../../../src/harness/api.ts';
import {
  capabilityCaller,
  constrainable,
  sampleValues,
  type ConstrainableRole,
  type SampleValues,
} from '../_shared/capabilities.ts';
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
export interface Domain {
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
      { numRuns: RUNS, afterEach: () => revokeCreatedSoFar(t.client) },
    );
  },
});

// ---------------------------------------------------------------------------------------------
// Near misses: arguments at each bound, a step inside it and a step (or a fraction of one) outside.

/** Near-miss cases; each registers and approves one agent and executes five to eight times. */
const NEAR_MISS_RUNS = 10;

/** A numeric constraint of the near-miss property: its form, lower bound and the span up to the upper one. */
export interface NumericNearMiss {
  form: 'min' | 'max' | 'range';
  /** Steps of the lower bound above the domain's base (at least 2, so two steps below it stay in the domain). */
  lift: number;
  span: number;
  /** Distance inward from each bound (0 = on the bound), lower bound first. */
  inside: [number, number];
  /** Whole steps outward from each bound (1 or 2), lower bound first. */
  outside: [number, number];
  /** Fractions of a step outward from each bound, lower bound first; tried only where the field takes non-integers. */
  fraction: [number, number];
}

/**
 * Distances from a bound. Inward: 0 (on the bound) or 1, and, where the field takes non-integers,
 * now and then a fraction; outward: one or two whole steps, and a fraction of a step (0.001 or 0.5),
 * which a server that rounds or truncates numbers lets through. Each shrinks toward the bound.
 */
export function nearMissSteps(fractional: boolean): {
  inside: fc.Arbitrary<number>;
  outside: fc.Arbitrary<number>;
  fraction: fc.Arbitrary<number>;
} {
  return {
    inside: nearBoundary([0], { below: 0, above: 1, fractions: fractional ? [0.001, 0.5] : [], wholeWeight: 1 }),
    outside: nearBoundary([1], { below: 0, above: 1 }),
    fraction: fc.constantFrom(0.001, 0.5),
  };
}

export function numericNearMisses(fractional: boolean): fc.Arbitrary<NumericNearMiss> {
  const { inside, outside, fraction } = nearMissSteps(fractional);
  return fc.record({
    form: fc.constantFrom('min' as const, 'max' as const, 'range' as const),
    lift: fc.integer({ min: 2, max: 10 }),
    span: fc.nat(4),
    inside: fc.tuple(inside, inside),
    outside: fc.tuple(outside, outside),
    fraction: fc.tuple(fraction, fraction),
  });
}

/** A string constraint of the near-miss property and which near miss of the admitted string is tried. */
export interface TextNearMiss {
  form: 'in' | 'not_in' | 'exact';
  variant: number;
}

const textNearMisses: fc.Arbitrary<TextNearMiss> = fc.record({
  form: fc.constantFrom('in' as const, 'not_in' as const, 'exact' as const),
  variant: fc.nat(2),
});

/**
 * Strings one edit away from `value` that a sloppy comparison takes for it: another letter case,
 * the value cut by its last character, the value with its last character doubled.
 */
export function stringNearMisses(value: string): string[] {
  const flipped = value === value.toUpperCase() ? value.toLowerCase() : value.toUpperCase();
  const candidates = [flipped, value.slice(0, -1), `${value}${value.slice(-1)}`];
  return [...new Set(candidates)].filter((candidate) => candidate !== value && candidate.length > 0);
}

/** One execution of a near-miss case: the field it varies and the value, the others stay admitted. */
interface NearMissProbe {
  field: string;
  value: unknown;
}

interface NearMissPlan {
  constraints: Constraints;
  /** Arguments every probe starts from: admitted by every requested constraint. */
  admitted: Record<string, unknown>;
  probes: NearMissProbe[];
}

/** The constraints and executions of a near-miss case over the domain `d`. */
export function nearMissPlan(
  d: Domain,
  numeric: NumericNearMiss,
  text: TextNearMiss,
  fractional: boolean,
): NearMissPlan {
  const lo = d.base + numeric.lift;
  const hi = lo + numeric.span;
  const numericConstraint: ConstraintOperatorObject =
    numeric.form === 'min' ? { min: lo } : numeric.form === 'max' ? { max: hi } : { min: lo, max: hi };
  const bounds: ['min' | 'max', number][] = [];
  if (numericConstraint.min !== undefined) bounds.push(['min', numericConstraint.min]);
  if (numericConstraint.max !== undefined) bounds.push(['max', numericConstraint.max]);
  const numericField = d.role.numericField;
  const numericProbes = bounds.flatMap(([side, bound], index) => {
    const inward = side === 'min' ? 1 : -1;
    const steps = [numeric.inside[index] as number, -(numeric.outside[index] as number)];
    if (fractional) steps.push(-(numeric.fraction[index] as number));
    return steps.map((step) => ({ field: numericField, value: bound + inward * step }));
  });

  const textField = text.form === 'exact' ? d.values.exactField : d.role.stringField;
  const original = text.form === 'exact' ? d.values.exact : d.values.string;
  const misses = stringNearMisses(original);
  const miss = misses.length > 0 ? (misses[text.variant % misses.length] as string) : `${original}-other`;
  const textConstraint: ConstraintValue =
    text.form === 'in' ? { in: [original] } : text.form === 'not_in' ? { not_in: [original] } : original;
  const textProbes = [
    { field: textField, value: miss },
    { field: textField, value: original },
  ];

  return {
    constraints: { [numericField]: numericConstraint, [textField]: textConstraint },
    admitted: {
      ...d.values.args,
      [numericField]: numericConstraint.min ?? numericConstraint.max,
      [textField]: text.form === 'not_in' ? miss : original,
    },
    probes: [...numericProbes, ...textProbes],
  };
}

/**
 * Whether the constrainable capability's numeric field takes non-integers, read from its input
 * schema in describe (§5.2.1). Fractions are tried only then: for an integer field, a fraction
 * would be refused as invalid input whatever the constraint says.
 */
async function acceptsFractions(t: CheckContext, role: ConstrainableRole): Promise<boolean> {
  const described = await t.client.describeCapability(role.name, await capabilityCaller(t));
  const property: unknown = (described.json?.input as { properties?: Record<string, unknown> } | undefined)
    ?.properties?.[role.numericField];
  const type: unknown = (property as { type?: unknown } | undefined)?.type;
  const fractional = type === 'number' || (Array.isArray(type) && type.includes('number'));
  if (!fractional) {
    t.note(
      `describe ${role.name} gives ${role.numericField} the type ${show(type ?? null)}, not "number": only whole-number near misses are tried`,
    );
  }
  return fractional;
}

const boundNearMisses = defineCheck({
  id: 'server.constraints.property.bound-near-misses',
  title:
    'Execution with arguments on, just inside and just outside each constraint bound (and one edit away from an allowed string) is allowed or refused as §2.13 predicts',
  area: 'constraints',
  requirements: [
    'AAP-2.13-OP.min',
    'AAP-2.13-OP.max',
    'AAP-2.13-OP.in',
    'AAP-2.13-OP.not_in',
    'AAP-2.13-07',
    'AAP-2.13-08',
    'AAP-2.13-03',
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
    const fractional = await acceptsFractions(t, d.role);
    await checkProperty(
      t,
      [numericNearMisses(fractional), textNearMisses],
      async (numeric, text) => {
        const { constraints, admitted, probes } = nearMissPlan(d, numeric, text, fractional);
        const { agent, granted } = await constrainedAgent(t, d.role, constraints);
        expectNotWidened(t, constraints, granted);
        for (const { field, value } of probes) {
          const args = { ...admitted, [field]: value };
          const broken = brokenConstraints(granted ?? {}, args);
          if (broken === undefined) {
            t.skip(
              `the server granted ${show(granted)}, which uses constraint operators this suite does not know, so it cannot predict executions`,
            );
          }
          const result = await t.client.execute(agent, d.role.name, args);
          const what = `execute ${d.role.name} with ${field}=${show(value)} under the granted constraints ${show(granted ?? null)} (requested ${show(constraints)})`;
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
      { numRuns: NEAR_MISS_RUNS, afterEach: () => revokeCreatedSoFar(t.client) },
    );
  },
});

export const checks: CheckDefinition[] = [randomConstraints, boundNearMisses];
