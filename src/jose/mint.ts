import { signAsync } from '@noble/ed25519';
import { base64url, CompactSign } from 'jose';
import { generateEd25519KeyPair, rawPrivateKey, rawPublicKey, type Ed25519KeyPair } from './keys.ts';
import type { Ed25519PublicJwk } from './types.ts';

/**
 * What kind of token to produce. Everything except `valid` is deliberately broken:
 * - `alg-none`: header alg `none`, empty signature segment.
 * - `hs256-public-key`: HS256 MAC keyed with the signer's raw public key bytes (algorithm confusion).
 * - `corrupt-signature`: a 64-byte EdDSA signature with one bit flipped.
 * - `other-key`: a valid EdDSA signature by a different key; header and claims unchanged.
 * - `non-json-payload`: the payload segment is not JSON, but is validly EdDSA-signed.
 * - `wrong-alg-header`: header alg `ES256` over an EdDSA signature.
 */
export type TokenVariant =
  | 'valid'
  | 'alg-none'
  | 'hs256-public-key'
  | 'corrupt-signature'
  | 'other-key'
  | 'non-json-payload'
  | 'wrong-alg-header';

/** The payload text used by the `non-json-payload` variant. */
export const NON_JSON_PAYLOAD = 'this payload is not JSON {';

export interface SignJwtOptions {
  key: Ed25519KeyPair;
  /** Merged over `{ alg: 'EdDSA' }`; members set to undefined are dropped. */
  header?: Record<string, unknown>;
  /** Members set to undefined are dropped. */
  claims: Record<string, unknown>;
  variant?: TokenVariant;
  /** Signer for the `other-key` variant; a fresh key when absent. */
  otherKey?: Ed25519KeyPair;
}

export function randomJti(): string {
  return crypto.randomUUID();
}

/**
 * The HS256 secret used by the `hs256-public-key` variant: the raw 32 bytes of the signer's
 * public key (decoded `x`), the form an algorithm-confused verifier would most plausibly use.
 */
export function hs256PublicKeySecret(jwk: Ed25519PublicJwk): Uint8Array {
  return rawPublicKey(jwk);
}

export async function signJwt(opts: SignJwtOptions): Promise<string> {
  const variant = opts.variant ?? 'valid';
  const header = withoutUndefined({ alg: 'EdDSA', ...opts.header });
  const payload = encodeJson(withoutUndefined(opts.claims));

  switch (variant) {
    case 'valid':
      return compactSign(header, payload, opts.key.privateKey);
    case 'other-key': {
      const signer = opts.otherKey ?? (await generateEd25519KeyPair());
      return compactSign(header, payload, signer.privateKey);
    }
    case 'alg-none':
      return `${segment(encodeJson({ ...header, alg: 'none' }))}.${segment(payload)}.`;
    case 'hs256-public-key':
      return compactSign({ ...header, alg: 'HS256' }, payload, hs256PublicKeySecret(opts.key.publicJwk));
    case 'corrupt-signature': {
      const [signingHeader, signingPayload, signature] = splitCompact(
        await compactSign(header, payload, opts.key.privateKey),
      );
      const flipped = base64url.decode(signature);
      flipped[0] = (flipped[0] ?? 0) ^ 0x01;
      return `${signingHeader}.${signingPayload}.${segment(flipped)}`;
    }
    case 'non-json-payload':
      return rawEdDsaSign(opts.key, encodeJson(header), new TextEncoder().encode(NON_JSON_PAYLOAD));
    case 'wrong-alg-header':
      return rawEdDsaSign(opts.key, encodeJson({ ...header, alg: 'ES256' }), payload);
  }
}

interface CommonJwtOptions {
  aud: string;
  /** Epoch seconds; defaults to the current time. */
  now?: number;
  /** Used for `exp = iat + lifetimeSeconds` when `exp` is not given; default 60. */
  lifetimeSeconds?: number;
  /** Defaults to `now`. */
  iat?: number;
  /** Defaults to `iat + lifetimeSeconds`. */
  exp?: number;
  /** Defaults to a random UUID. */
  jti?: string;
  /** Header `typ`; to omit it entirely pass `header: { typ: undefined }`. */
  typ?: string;
  /** Header `kid`; defaults to the signing pair's kid (omitted when the pair has none). */
  kid?: string;
  /** Extra header members, merged last; members set to undefined are dropped. */
  header?: Record<string, unknown>;
  /** Claims added or overriding the defaults (undefined drops a claim). */
  extraClaims?: Record<string, unknown>;
  /** Claims removed after defaults and `extraClaims` are applied. */
  omitClaims?: string[];
  variant?: TokenVariant;
  otherKey?: Ed25519KeyPair;
}

export interface HostJwtOptions extends CommonJwtOptions {
  host: Ed25519KeyPair;
  /** Defaults to the host key's thumbprint. */
  iss?: string;
  /** Defaults to 'host+jwt'. */
  typ?: string;
  /** Put the host public key inline (`host_public_key`). Defaults to true unless `hostJwksUrl` is given. */
  includeHostPublicKey?: boolean;
  hostJwksUrl?: string;
  agentPublicKey?: Ed25519PublicJwk;
  agentJwksUrl?: string;
  agentKid?: string;
}

export interface AgentJwtOptions extends CommonJwtOptions {
  agent: Ed25519KeyPair;
  /** The `iss` claim: the parent host's identifier. */
  hostIss: string;
  /** The `sub` claim. */
  agentId: string;
  /** Defaults to 'agent+jwt'. */
  typ?: string;
  capabilities?: string[];
  cnf?: Record<string, unknown>;
}

export function mintHostJwt(o: HostJwtOptions): Promise<string> {
  const includeHostPublicKey = o.includeHostPublicKey ?? o.hostJwksUrl === undefined;
  return signWithDefaults(o, o.host, 'host+jwt', {
    iss: o.iss ?? o.host.thumbprint,
    aud: o.aud,
    ...timeClaims(o),
    host_public_key: includeHostPublicKey ? { ...o.host.publicJwk } : undefined,
    host_jwks_url: o.hostJwksUrl,
    agent_public_key: o.agentPublicKey,
    agent_jwks_url: o.agentJwksUrl,
    agent_kid: o.agentKid,
  });
}

export function mintAgentJwt(o: AgentJwtOptions): Promise<string> {
  return signWithDefaults(o, o.agent, 'agent+jwt', {
    iss: o.hostIss,
    sub: o.agentId,
    aud: o.aud,
    ...timeClaims(o),
    capabilities: o.capabilities,
    cnf: o.cnf,
  });
}

function signWithDefaults(
  o: CommonJwtOptions,
  key: Ed25519KeyPair,
  defaultTyp: string,
  defaults: Record<string, unknown>,
): Promise<string> {
  const claims: Record<string, unknown> = { ...defaults, ...o.extraClaims };
  for (const name of o.omitClaims ?? []) delete claims[name];
  const header = { typ: o.typ ?? defaultTyp, kid: o.kid ?? key.kid, ...o.header };
  return signJwt({ key, header, claims, variant: o.variant, otherKey: o.otherKey });
}

function timeClaims(o: CommonJwtOptions): { iat: number; exp: number; jti: string } {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const iat = o.iat ?? now;
  return { iat, exp: o.exp ?? iat + (o.lifetimeSeconds ?? 60), jti: o.jti ?? randomJti() };
}

async function compactSign(
  header: Record<string, unknown>,
  payload: Uint8Array,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  return new CompactSign(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

/** EdDSA over the JWS signing input, bypassing jose's header/key consistency checks. */
async function rawEdDsaSign(key: Ed25519KeyPair, header: Uint8Array, payload: Uint8Array): Promise<string> {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  const signature = await signAsync(new TextEncoder().encode(signingInput), rawPrivateKey(key));
  return `${signingInput}.${segment(signature)}`;
}

function splitCompact(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  return [h, p, s];
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function segment(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}
