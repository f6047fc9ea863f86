import { isDeepStrictEqual } from 'node:util';
import { isOperatorObject, type ConstraintOperatorObject, type ConstraintValue } from '../../../src/harness/api.ts';

/**
 * The harness's own reading of §2.13: whether `value` meets a constraint. Unknown operators make
 * the answer undefined, since their meaning is unknown.
 */
export function satisfies(constraint: ConstraintValue, value: unknown): boolean | undefined {
  if (!isOperatorObject(constraint)) return isDeepStrictEqual(constraint, value);
  let result = true;
  for (const [operator, bound] of Object.entries(constraint)) {
    switch (operator) {
      case 'max':
        result &&= typeof value === 'number' && typeof bound === 'number' && value <= bound;
        break;
      case 'min':
        result &&= typeof value === 'number' && typeof bound === 'number' && value >= bound;
        break;
      case 'in':
        result &&= Array.isArray(bound) && bound.some((allowed) => isDeepStrictEqual(allowed, value));
        break;
      case 'not_in':
        result &&= Array.isArray(bound) && !bound.some((excluded) => isDeepStrictEqual(excluded, value));
        break;
      default:
        return undefined;
    }
  }
  return result;
}

/**
 * Whether `granted` admits no value that `requested` refuses, judged operator by operator (§2.13:
 * the server may narrow, never widen). An exact granted value is as tight as it gets if the
 * requested constraint admits it.
 */
export function isAtLeastAsTight(granted: ConstraintValue, requested: ConstraintValue): boolean {
  if (!isOperatorObject(granted)) return satisfies(requested, granted) === true;
  if (!isOperatorObject(requested)) {
    return Array.isArray(granted.in) && granted.in.every((value) => isDeepStrictEqual(value, requested));
  }
  return Object.entries(requested).every(([operator, bound]) => impliedBy(operator, bound, granted));
}

function impliedBy(operator: string, bound: unknown, granted: ConstraintOperatorObject): boolean {
  const allowed = granted.in;
  // A granted `in` list implies any requested operator that every listed value meets.
  if (allowed?.every((value) => satisfies({ [operator]: bound } as ConstraintValue, value) === true)) {
    return true;
  }
  switch (operator) {
    case 'max':
      return typeof bound === 'number' && typeof granted.max === 'number' && granted.max <= bound;
    case 'min':
      return typeof bound === 'number' && typeof granted.min === 'number' && granted.min >= bound;
    case 'not_in':
      return (
        Array.isArray(bound) &&
        bound.every((value) => granted.not_in?.some((excluded) => isDeepStrictEqual(excluded, value)) === true)
      );
    default:
      return false;
  }
}
