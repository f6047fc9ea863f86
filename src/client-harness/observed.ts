import { createHash } from 'node:crypto';
import { displayRequestBody, redactPrivateKeys } from '../harness/exchange.ts';
import type { Exchange } from '../model/index.ts';
import type { ObservedRequest } from '../sim/client-mode/index.ts';
import { readPath } from './paths.ts';
import type { RequestAuth, RequestMatch } from './scenario.ts';

export type { RequestAuth };

/**
 * What the client sent, as the simulator recorded it, seen through the paths scenarios name:
 * `jwt.header.typ`, `jwt.claims.aud`, `jwt.lifetime` (exp − iat, seconds), `query.agent_id`,
 * `body.name` (JSON body), `body.capability_names` (requested names, string or object entries), `header.authorization`, `url`, `origin`, `path`, `response.status`,
 * `response.stream_end` (`client-closed` or `server-closed`, once an event stream ended), and
 * `jwt.host_key_delivery` / `jwt.agent_key_delivery` (`inline`, `jwks` or `both`, from which key
 * claims a host JWT carries; absent when it carries neither).
 */

function isEd25519Jwk(value: unknown): value is { kty: string; crv: string; x: string } {
  const jwk = value as { kty?: unknown; crv?: unknown; x?: unknown } | null;
  return (
    typeof jwk === 'object' &&
    jwk !== null &&
    typeof jwk.kty === 'string' &&
    typeof jwk.crv === 'string' &&
    typeof jwk.x === 'string'
  );
}

/** RFC 7638 SHA-256 thumbprint of an OKP public key, computed here rather than trusted from the client. */
function jwkThumbprint(jwk: { kty: string; crv: string; x: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** How a request authenticated, judged from its bearer token's `typ` (and, for an odd `typ`, its `sub`). */
export function authOf(request: ObservedRequest): RequestAuth {
  if (request.jwt === undefined) return 'none';
  const typ = request.jwt.header?.['typ'];
  if (typ === 'host+jwt') return 'host';
  if (typ === 'agent+jwt') return 'agent';
  return request.jwt.claims?.['sub'] === undefined ? 'host' : 'agent';
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function capabilityNames(body: unknown): string[] | undefined {
  const entries = readPath(body, 'capabilities');
  if (!Array.isArray(entries)) return undefined;
  return entries.map((entry) => (typeof entry === 'string' ? entry : String(readPath(entry, 'name'))));
}

/** How a host JWT delivers the host's or the agent's public key: inline, by JWKS URL, or both (§4.2). */
function keyDelivery(
  claims: Record<string, unknown> | undefined,
  whose: 'host' | 'agent',
): 'inline' | 'jwks' | 'both' | undefined {
  const inline = claims?.[`${whose}_public_key`] !== undefined;
  const jwks = claims?.[`${whose}_jwks_url`] !== undefined;
  if (inline && jwks) return 'both';
  if (inline) return 'inline';
  return jwks ? 'jwks' : undefined;
}

/** The value at `path` in a recorded request (undefined when absent). */
export function requestValue(request: ObservedRequest, path: string): unknown {
  const [root, ...restParts] = path.split('.');
  const rest = restParts.join('.');
  const url = new URL(request.url);
  switch (root) {
    case 'jwt': {
      if (rest === 'host_key_thumbprint') {
        const key = request.jwt?.claims?.['host_public_key'];
        return isEd25519Jwk(key) ? jwkThumbprint(key) : undefined;
      }
      if (rest === 'host_key_delivery') return keyDelivery(request.jwt?.claims, 'host');
      if (rest === 'agent_key_delivery') return keyDelivery(request.jwt?.claims, 'agent');
      if (rest === 'lifetime') {
        const { iat, exp } = request.jwt?.claims ?? {};
        return typeof iat === 'number' && typeof exp === 'number' ? exp - iat : undefined;
      }
      return readPath(request.jwt, rest);
    }
    case 'query':
      return url.searchParams.get(rest) ?? undefined;
    case 'body': {
      const body = parseJson(request.body);
      // `body.capability_names`: the names a registration or capability request asks for, whether
      // each entry is a plain name or an object with `name` (§5.3, §5.4).
      if (rest === 'capability_names' || rest.startsWith('capability_names.'))
        return readPath(capabilityNames(body), rest.slice('capability_names.'.length));
      return readPath(body, rest);
    }
    case 'header':
      return request.headers[rest.toLowerCase()];
    case 'url':
      return request.url;
    case 'origin':
      return url.origin;
    case 'path':
      return url.pathname;
    case 'method':
      return request.method;
    case 'response':
      if (rest === 'status') return request.response.status;
      if (rest === 'stream_end') return request.response.streamEnd;
      return readPath(parseJson(request.response.body), rest.replace(/^body\.?/, ''));
    default:
      return undefined;
  }
}

/** Requests matching `match`, in the order they arrived. `stepStarts` gives when each labelled step began (ms). */
export function selectRequests(
  requests: readonly ObservedRequest[],
  match: RequestMatch,
  stepStarts: ReadonlyMap<string, number>,
): ObservedRequest[] {
  const endpoints = match.endpoint === undefined ? undefined : ([] as string[]).concat(match.endpoint);
  const auths = match.auth === undefined ? undefined : ([] as RequestAuth[]).concat(match.auth);
  const required = match.has === undefined ? [] : ([] as string[]).concat(match.has);
  const after = match.after === undefined ? undefined : stepStarts.get(match.after);
  const before = match.before === undefined ? undefined : stepStarts.get(match.before);
  return requests.filter((request) => {
    if (endpoints && !endpoints.includes(request.endpoint)) return false;
    if (match.listener !== undefined && match.listener !== 'any' && request.listener !== match.listener) return false;
    if (match.method !== undefined && request.method.toUpperCase() !== match.method.toUpperCase()) return false;
    if (auths !== undefined && !auths.includes(authOf(request))) return false;
    if (required.some((path) => requestValue(request, path) === undefined)) return false;
    if (match.after !== undefined && (after === undefined || request.at < after)) return false;
    // A step that never started has every request before it.
    if (before !== undefined && request.at >= before) return false;
    return true;
  });
}

/** A recorded request as a report exchange (the shared result model), numbered as the simulator numbered it. */
export function toExchange(request: ObservedRequest, checkId: string, startedAt: number): Exchange {
  const exchange: Exchange = {
    seq: request.seq,
    check: checkId,
    label: `${request.listener} ${request.endpoint}`,
    started_at: new Date(startedAt + request.at).toISOString(),
    duration_ms: 0,
    request: { method: request.method, url: request.url, headers: request.headers },
    response: {
      status: request.response.status,
      headers: request.response.headers,
      body_bytes: Buffer.byteLength(request.response.body ?? ''),
      truncated: false,
    },
  };
  // A faulty client may send private key material: reports show it redacted, never verbatim.
  if (request.body !== undefined) exchange.request.body = displayRequestBody(request.body);
  if (request.jwt !== undefined) {
    const jwt: NonNullable<Exchange['request']['jwt']> = {};
    if (request.jwt.header) jwt.header = redactPrivateKeys(request.jwt.header) as Record<string, unknown>;
    if (request.jwt.claims) jwt.claims = redactPrivateKeys(request.jwt.claims) as Record<string, unknown>;
    if (request.jwt.error) jwt.error = request.jwt.error;
    exchange.request.jwt = jwt;
  }
  if (request.response.body !== undefined && exchange.response) exchange.response.body = request.response.body;
  return exchange;
}
