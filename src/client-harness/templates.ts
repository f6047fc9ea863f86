import { readPath } from './paths.ts';

/**
 * `${…}` placeholders in scenario data, resolved at the moment a step runs or an assertion is
 * judged. The resolver is a function of the first path segment so that the engine can answer from
 * what it knows now (the simulator's state, earlier call results).
 */
export type Lookup = (root: string, rest: string) => unknown;

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** Thrown when a placeholder names something not known (yet): the scenario's precondition is broken. */
export class UnresolvedPlaceholder extends Error {
  override name = 'UnresolvedPlaceholder';
}

function lookupOne(expression: string, lookup: Lookup): unknown {
  const [root, ...rest] = expression.trim().split('.');
  const value = lookup(root as string, rest.join('.'));
  if (value === undefined) throw new UnresolvedPlaceholder(`\${${expression}} is not known at this point`);
  return value;
}

/**
 * Resolves placeholders inside any JSON-like value. A string that is exactly one placeholder takes
 * the looked-up value with its type (a number stays a number); placeholders inside longer strings
 * are joined as text.
 */
export function resolveTemplates(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return lookupOne(whole[1] as string, lookup);
    return value.replace(PLACEHOLDER, (_match, expression: string) => String(lookupOne(expression, lookup)));
  }
  if (Array.isArray(value)) return value.map((item) => resolveTemplates(item, lookup));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, lookup)]));
  }
  return value;
}

/** A lookup answering `${root.path}` from an object of roots. */
export function lookupIn(roots: Record<string, unknown>): Lookup {
  return (root, rest) => (Object.hasOwn(roots, root) ? readPath(roots[root], rest) : undefined);
}
