/** The Cache-Control directives a private client cache acts on (RFC 9111 §5.2.2). */
export interface CacheDirectives {
  noStore: boolean;
  noCache: boolean;
  mustRevalidate: boolean;
  maxAge?: number;
}

export function parseCacheControl(value: string | null): CacheDirectives {
  const directives: CacheDirectives = { noStore: false, noCache: false, mustRevalidate: false };
  for (const part of (value ?? '').split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName?.trim().toLowerCase();
    const argument = rawValue?.trim().replace(/^"|"$/g, '');
    if (name === 'no-store') directives.noStore = true;
    else if (name === 'no-cache') directives.noCache = true;
    else if (name === 'must-revalidate') directives.mustRevalidate = true;
    else if (name === 'max-age' && argument !== undefined && /^\d+$/.test(argument))
      directives.maxAge = Number(argument);
  }
  return directives;
}

/**
 * How many seconds an answer may be reused without asking again (RFC 9111 §4.2.1): 0 for no-store
 * and no-cache, max-age when given (less the Age the answer already has), else the Expires header,
 * else `defaultSeconds` — never more than `maxSeconds`.
 */
export function freshnessSeconds(headers: Headers, opts: { defaultSeconds: number; maxSeconds: number }): number {
  const directives = parseCacheControl(headers.get('cache-control'));
  if (directives.noStore || directives.noCache) return 0;
  const age = Number(headers.get('age') ?? 0);
  let lifetime: number;
  if (directives.maxAge !== undefined) lifetime = directives.maxAge - (Number.isFinite(age) ? age : 0);
  else {
    const expires = Date.parse(headers.get('expires') ?? '');
    const date = Date.parse(headers.get('date') ?? '');
    lifetime = Number.isNaN(expires)
      ? opts.defaultSeconds
      : (expires - (Number.isNaN(date) ? Date.now() : date)) / 1000;
  }
  return Math.max(0, Math.min(lifetime, opts.maxSeconds));
}
