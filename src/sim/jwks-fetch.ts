import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Ed25519PublicJwkSchema, type Ed25519PublicJwk } from '../protocol/index.ts';
import type { SimClock } from './clock.ts';

/** Why a JWKS URL could not be used. */
export class JwksError extends Error {
  override name = 'JwksError';
}

export interface JwksFetchPolicy {
  /** Permit http and loopback addresses (127.0.0.0/8, ::1) for local testing. */
  allowLoopback: boolean;
  /** Skip URL protections entirely (the `jwks-fetch-unprotected` fault). */
  unprotected: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  maxKeys?: number;
  /** How long a fetched key set is reused before it is fetched again. */
  cacheSeconds?: number;
}

/** Address ranges a server-side fetch must never reach (§8.12), plus unspecified and IPv6 link-local. */
function forbiddenRanges(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['169.254.0.0', 16],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  list.addAddress('::', 'ipv6');
  return list;
}

function loopbackRanges(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
}

const FORBIDDEN = forbiddenRanges();
const LOOPBACK = loopbackRanges();

const ASYMMETRIC_KEY_PARAMS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

interface CachedSet {
  keys: Record<string, unknown>[];
  fetchedAtMs: number;
}

/**
 * Fetches client JWKS documents with the server-side URL protections of §8.12: https only, DNS
 * resolved and filtered before connecting, the connection pinned to the checked address, at most
 * three redirects (each checked again), a size cap, timeouts, and validation of the key set.
 */
export class JwksFetcher {
  private readonly cache = new Map<string, CachedSet>();

  constructor(
    private readonly clock: SimClock,
    private readonly policy: JwksFetchPolicy,
  ) {}

  /** The Ed25519 key named `kid` in the set at `url`; refetches once when the kid is not cached. */
  async ed25519Key(url: string, kid: string, opts: { refresh?: boolean } = {}): Promise<Ed25519PublicJwk> {
    let keys = await this.keySet(url, opts.refresh ?? false);
    let match = keys.find((key) => key.kid === kid);
    if (match === undefined && !opts.refresh) {
      keys = await this.keySet(url, true);
      match = keys.find((key) => key.kid === kid);
    }
    if (match === undefined) throw new JwksError(`the JWKS at ${url} has no key with kid '${kid}'`);
    const parsed = Ed25519PublicJwkSchema.safeParse(match);
    if (!parsed.success) throw new JwksError(`the key '${kid}' at ${url} is not an Ed25519 public key`);
    return parsed.data;
  }

  /** Every Ed25519 key of the set at `url`. */
  async ed25519Keys(url: string, opts: { refresh?: boolean } = {}): Promise<Ed25519PublicJwk[]> {
    const keys = await this.keySet(url, opts.refresh ?? false);
    return keys.flatMap((key) => {
      const parsed = Ed25519PublicJwkSchema.safeParse(key);
      return parsed.success ? [parsed.data] : [];
    });
  }

  clear(): void {
    this.cache.clear();
  }

  private async keySet(url: string, refresh: boolean): Promise<Record<string, unknown>[]> {
    const cached = this.cache.get(url);
    const maxAgeMs = (this.policy.cacheSeconds ?? 300) * 1000;
    if (!refresh && cached !== undefined && this.clock.now() - cached.fetchedAtMs < maxAgeMs) return cached.keys;
    const keys = validateJwks(await this.fetchDocument(url), this.policy.maxKeys ?? 20);
    this.cache.set(url, { keys, fetchedAtMs: this.clock.now() });
    return keys;
  }

  private async fetchDocument(rawUrl: string): Promise<string> {
    const maxRedirects = this.policy.maxRedirects ?? 3;
    let url = parseUrl(rawUrl);
    for (let redirects = 0; ; redirects += 1) {
      const target = await this.checkTarget(url);
      const answer = await this.request(url, target);
      if (answer.location === undefined) return answer.body;
      if (redirects >= maxRedirects) throw new JwksError(`more than ${maxRedirects} redirects fetching ${rawUrl}`);
      url = parseUrl(new URL(answer.location, url).toString());
    }
  }

  /** Resolves the host and returns the one address the connection is pinned to. */
  private async checkTarget(url: URL): Promise<{ address: string; family: number }> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const { unprotected, allowLoopback } = this.policy;
    const resolved = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await resolveAll(hostname);
    if (resolved.length === 0) throw new JwksError(`${hostname} does not resolve`);
    if (unprotected) return resolved[0]!;
    for (const { address, family } of resolved) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      const loopback = LOOPBACK.check(address, type);
      if ((loopback && !allowLoopback) || FORBIDDEN.check(address, type)) {
        throw new JwksError(`${url.host} resolves to ${address}, a private, loopback or link-local address`);
      }
      if (url.protocol === 'http:' && !(loopback && allowLoopback)) {
        throw new JwksError(`JWKS URLs must use https: ${url.toString()}`);
      }
    }
    return resolved[0]!;
  }

  private request(url: URL, target: { address: string; family: number }): Promise<{ body: string; location?: string }> {
    const timeoutMs = this.policy.timeoutMs ?? 5000;
    const maxBytes = this.policy.maxBytes ?? 1024 * 1024;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        {
          protocol: url.protocol,
          host: target.address,
          family: target.family,
          port: url.port === '' ? undefined : Number(url.port),
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          servername: isIP(url.hostname) ? undefined : url.hostname,
          headers: { host: url.host, accept: 'application/json, application/jwk-set+json' },
          timeout: timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400 && response.headers.location !== undefined) {
            response.resume();
            resolve({ body: '', location: response.headers.location });
            return;
          }
          if (status !== 200) {
            response.resume();
            reject(new JwksError(`JWKS fetch from ${url.toString()} answered HTTP ${status}`));
            return;
          }
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            request.destroy();
            reject(new JwksError(`JWKS document exceeds ${maxBytes} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              request.destroy();
              reject(new JwksError(`JWKS document exceeds ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => reject(new JwksError(`JWKS fetch failed: ${error.message}`)));
        },
      );
      request.on('timeout', () => request.destroy(new JwksError(`JWKS fetch from ${url.toString()} timed out`)));
      request.on('error', (error) =>
        reject(error instanceof JwksError ? error : new JwksError(`JWKS fetch failed: ${error.message}`)),
      );
      request.end();
    });
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new JwksError(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new JwksError(`JWKS URLs must use https: ${raw}`);
  return url;
}

async function resolveAll(hostname: string): Promise<{ address: string; family: number }[]> {
  try {
    return await lookup(hostname, { all: true, verbatim: true });
  } catch {
    throw new JwksError(`${hostname} does not resolve`);
  }
}

/** The JWKS content rules of §8.12; answers the set's keys or throws. */
export function validateJwks(text: string, maxKeys: number): Record<string, unknown>[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new JwksError('the JWKS document is not JSON');
  }
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys)) {
    throw new JwksError('the JWKS document has no keys array');
  }
  const keys = (document as { keys: unknown[] }).keys;
  if (keys.length === 0) throw new JwksError('the JWKS document holds no keys');
  if (keys.length > maxKeys) throw new JwksError(`the JWKS document holds more than ${maxKeys} keys`);
  return keys.map((key, index) => {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw new JwksError(`JWKS key ${index} is not an object`);
    const jwk = key as Record<string, unknown>;
    if (typeof jwk.kty !== 'string') throw new JwksError(`JWKS key ${index} has no kty`);
    if (jwk.kty === 'oct') throw new JwksError(`JWKS key ${index} is a symmetric (oct) key`);
    const required = ASYMMETRIC_KEY_PARAMS[jwk.kty];
    if (required === undefined) throw new JwksError(`JWKS key ${index} has the unknown key type '${jwk.kty}'`);
    for (const param of required) {
      if (typeof jwk[param] !== 'string') throw new JwksError(`JWKS key ${index} (${jwk.kty}) lacks '${param}'`);
    }
    if (PRIVATE_MEMBERS.some((member) => member in jwk))
      throw new JwksError(`JWKS key ${index} carries private key material`);
    return jwk;
  });
}
