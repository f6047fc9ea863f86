import { decodeJwtUnverified } from '../jose/index.ts';

/**
 * Dotted paths into JSON values: `agent_capability_grants.0.status`, `capabilities[name=check_balance].grant_status`.
 * A `[key=value]` segment picks the first array element whose `key` equals `value` (as a string). A
 * `@jwt` segment reads a compact JWT string as `{header, claims}`, unverified: `token.@jwt.claims.aud`
 * is the audience of a token a tool handed out.
 */
export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const segment of splitPath(path)) {
    if (current === undefined || current === null) return undefined;
    if (segment === '@jwt') {
      if (typeof current !== 'string') return undefined;
      const { header, claims } = decodeJwtUnverified(current);
      current = header === undefined && claims === undefined ? undefined : { header, claims };
      continue;
    }
    const filter = /^\[([^=\]]+)=([^\]]*)\]$/.exec(segment);
    if (filter) {
      if (!Array.isArray(current)) return undefined;
      const [, key, wanted] = filter;
      current = current.find(
        (item) =>
          typeof item === 'object' &&
          item !== null &&
          String((item as Record<string, unknown>)[key as string]) === wanted,
      );
      continue;
    }
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
      continue;
    }
    if (typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current;
}

/** `a.b[k=v].c` → ['a', 'b', '[k=v]', 'c']. */
function splitPath(path: string): string[] {
  const segments: string[] = [];
  for (const part of path.split(/(\[[^\]]*\])/)) {
    if (part.startsWith('[')) segments.push(part);
    else segments.push(...part.split('.').filter((s) => s !== ''));
  }
  return segments;
}
