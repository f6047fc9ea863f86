import { KNOWN_CONSTRAINT_OPERATORS, type CapabilityRequestItem } from '../protocol/index.ts';
import { isRecord } from './tool-error.ts';

type Value = unknown;

const KNOWN: ReadonlySet<string> = new Set(KNOWN_CONSTRAINT_OPERATORS);

/**
 * The capabilities whose returned grant allows more than the agent proposed (§2.13: the server may
 * narrow constraints but never widen them; clients SHOULD compare and warn or refuse). A field the
 * proposal constrained must stay at least as tight in the grant. Operators the client does not know
 * make a constraint opaque (§2.13 SHOULD): such a field is not judged.
 */
export function widenedGrants(
  proposed: readonly CapabilityRequestItem[],
  grants: readonly Record<string, unknown>[],
): string[] {
  const widened: string[] = [];
  for (const item of proposed) {
    if (typeof item === 'string' || !isRecord(item.constraints)) continue;
    const grant = grants.find((g) => g.capability === item.name && g.status === 'active');
    if (grant === undefined) continue;
    const effective = isRecord(grant.constraints) ? grant.constraints : {};
    const loose = Object.entries(item.constraints).some(([field, wanted]) => !atLeastAsTight(effective[field], wanted));
    if (loose) widened.push(item.name);
  }
  return widened;
}

function atLeastAsTight(effective: Value, proposed: Value): boolean {
  if (effective === undefined) return false;
  if (isOperatorObject(effective) && Object.keys(effective).some((op) => !KNOWN.has(op))) return true; // opaque
  if (!isOperatorObject(proposed)) {
    // An exact value: the grant must pin the same value, or allow only that value.
    if (!isOperatorObject(effective)) return same(effective, proposed);
    return Array.isArray(effective.in) && effective.in.length > 0 && effective.in.every((v) => same(v, proposed));
  }
  if (!isOperatorObject(effective)) return satisfies(effective, proposed);
  return Object.entries(proposed).every(([op, limit]) => {
    const allowed = Array.isArray(effective.in) ? effective.in : undefined;
    switch (op) {
      case 'max':
        return (
          (typeof effective.max === 'number' && effective.max <= Number(limit)) ||
          (allowed?.every((v) => typeof v === 'number' && v <= Number(limit)) ?? false)
        );
      case 'min':
        return (
          (typeof effective.min === 'number' && effective.min >= Number(limit)) ||
          (allowed?.every((v) => typeof v === 'number' && v >= Number(limit)) ?? false)
        );
      case 'in':
        return allowed !== undefined && Array.isArray(limit) && allowed.every((v) => limit.some((w) => same(v, w)));
      case 'not_in': {
        const excluded = Array.isArray(effective.not_in) ? effective.not_in : [];
        const list = Array.isArray(limit) ? limit : [];
        return (
          list.every((v) => excluded.some((w) => same(v, w))) ||
          (allowed?.every((v) => !list.some((w) => same(v, w))) ?? false)
        );
      }
      default:
        return true; // an operator of the agent's own the client cannot judge
    }
  });
}

/** Whether an exact value meets an operator object. */
function satisfies(value: Value, ops: Record<string, unknown>): boolean {
  return Object.entries(ops).every(([op, limit]) => {
    switch (op) {
      case 'max':
        return typeof value === 'number' && value <= Number(limit);
      case 'min':
        return typeof value === 'number' && value >= Number(limit);
      case 'in':
        return Array.isArray(limit) && limit.some((v) => same(v, value));
      case 'not_in':
        return Array.isArray(limit) && !limit.some((v) => same(v, value));
      default:
        return true;
    }
  });
}

function isOperatorObject(value: Value): value is Record<string, unknown> {
  return isRecord(value);
}

function same(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
