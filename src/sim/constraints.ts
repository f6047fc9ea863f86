import { isDeepStrictEqual } from 'node:util';
import {
  isOperatorObject,
  type ConstraintOperatorObject,
  type Constraints,
  type ConstraintValue,
  type ConstraintViolation,
} from '../protocol/index.ts';

/** A constraint kind whose enforcement can be switched off by a fault. */
export type ConstraintKind = 'max' | 'min' | 'in' | 'not_in' | 'exact';

/**
 * The violations of `constraints` by the execution `args` (§2.13, §5.11): each field is checked
 * against its exact value or against every operator of its operator object. A constrained field the
 * agent did not supply violates its constraint.
 */
export function findViolations(
  constraints: Constraints,
  args: Record<string, unknown>,
  ignored: ReadonlySet<ConstraintKind> = new Set(),
): ConstraintViolation[] {
  const violations: ConstraintViolation[] = [];
  for (const [field, constraint] of Object.entries(constraints)) {
    const actual = Object.hasOwn(args, field) ? args[field] : undefined;
    if (!satisfies(constraint, actual, ignored)) {
      violations.push({ field, constraint, actual: (actual ?? null) as ConstraintViolation['actual'] });
    }
  }
  return violations;
}

function satisfies(constraint: ConstraintValue, actual: unknown, ignored: ReadonlySet<ConstraintKind>): boolean {
  if (!isOperatorObject(constraint)) return ignored.has('exact') || isDeepStrictEqual(actual, constraint);
  const { max, min } = constraint;
  if (max !== undefined && !ignored.has('max') && !(typeof actual === 'number' && actual <= max)) return false;
  if (min !== undefined && !ignored.has('min') && !(typeof actual === 'number' && actual >= min)) return false;
  if (constraint.in !== undefined && !ignored.has('in') && !constraint.in.some((v) => isDeepStrictEqual(v, actual))) {
    return false;
  }
  if (constraint.not_in !== undefined && !ignored.has('not_in')) {
    if (actual === undefined || constraint.not_in.some((v) => isDeepStrictEqual(v, actual))) return false;
  }
  return true;
}

export type NarrowingResult = { ok: true; constraints: Constraints | undefined } | { ok: false; reason: string };

/**
 * The intersection of agent-proposed and server-policy constraints (§2.13 "combined"): the tightest
 * bound of either side wins, and the result never allows more than the agent asked for.
 */
export function intersectConstraints(
  requested: Constraints | undefined,
  policy: Constraints | undefined,
): NarrowingResult {
  const fields = new Set([...Object.keys(requested ?? {}), ...Object.keys(policy ?? {})]);
  if (fields.size === 0) return { ok: true, constraints: undefined };
  const result: Constraints = {};
  for (const field of fields) {
    const a = requested?.[field];
    const b = policy?.[field];
    const merged = a === undefined ? b : b === undefined ? a : intersectField(a, b);
    if (merged === undefined)
      return { ok: false, reason: `no value of '${field}' satisfies both the request and server policy` };
    result[field] = merged;
  }
  return { ok: true, constraints: result };
}

function intersectField(a: ConstraintValue, b: ConstraintValue): ConstraintValue | undefined {
  if (!isOperatorObject(a) && !isOperatorObject(b)) return isDeepStrictEqual(a, b) ? a : undefined;
  if (!isOperatorObject(a)) return satisfies(b, a, new Set()) ? a : undefined;
  if (!isOperatorObject(b)) return satisfies(a, b, new Set()) ? b : undefined;
  return intersectOperators(a, b);
}

function intersectOperators(a: ConstraintOperatorObject, b: ConstraintOperatorObject): ConstraintValue | undefined {
  const result: ConstraintOperatorObject = {};
  const max = tightest(a.max, b.max, Math.min);
  const min = tightest(a.min, b.min, Math.max);
  if (min !== undefined) result.min = min;
  if (max !== undefined) result.max = max;
  if (min !== undefined && max !== undefined && min > max) return undefined;
  if (a.in !== undefined || b.in !== undefined) {
    const allowed =
      a.in !== undefined && b.in !== undefined
        ? a.in.filter((value) => b.in!.some((other) => isDeepStrictEqual(value, other)))
        : (a.in ?? b.in)!;
    if (allowed.length === 0) return undefined;
    result.in = allowed;
  }
  if (a.not_in !== undefined || b.not_in !== undefined) {
    const excluded = [...(a.not_in ?? [])];
    for (const value of b.not_in ?? []) if (!excluded.some((v) => isDeepStrictEqual(v, value))) excluded.push(value);
    result.not_in = excluded;
  }
  return result;
}

function tightest(
  a: number | undefined,
  b: number | undefined,
  pick: (x: number, y: number) => number,
): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return pick(a, b);
}
