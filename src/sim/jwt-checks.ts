import { compactVerify, importJWK, type JWK } from 'jose';
import { decodeJwtUnverified, hs256PublicKeySecret } from '../jose/index.ts';
import type { Ed25519PublicJwk } from '../protocol/index.ts';
import type { SimContext } from './sim-context.ts';
import { invalidJwt } from './errors.ts';
import { JwksError } from './jwks-fetch.ts';
import { CLOCK_SKEW_SECONDS } from './options.ts';
import { TOLERATED_IAT_AHEAD_SECONDS, tolerates } from './tolerance.ts';

/** Checks shared by host and agent JWT verification (§4.5, §4.5.1, §4.6, §8.2). */

export interface DecodedToken {
  raw: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** The bearer token of the request, or undefined when there is no Authorization header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (match === null) throw invalidJwt('The Authorization header must carry a Bearer token');
  return match[1];
}

/** How the shared prologue tells a host token from an agent token. */
export interface TokenKind {
  /** The token as error messages name it, with its article: "a host JWT", "an agent JWT". */
  label: string;
  /** The typ this kind must carry (step 1). */
  typ: string;
  /** Whether step 1 lets a token with another typ through anyway (the typ faults). */
  acceptsOtherTyp(ctx: SimContext, typ: unknown): boolean;
}

/**
 * Steps 1-3 of both verifications (§4.5, §4.5.1): the request's bearer token, decoded, of the
 * right typ, carrying the registered claims and addressed to one of `audiences`.
 */
export function decodeBearerJwt(
  ctx: SimContext,
  authorization: string | undefined,
  kind: TokenKind,
  audiences: readonly string[],
): { token: DecodedToken; iss: string } {
  const raw = bearerToken(authorization);
  if (raw === undefined) throw invalidJwt(`This endpoint requires ${kind.label}`);
  const token = decodeToken(raw);
  const typ = token.header.typ;
  if (typ !== kind.typ && !kind.acceptsOtherTyp(ctx, typ) && !tolerates(ctx, 'typ')) {
    throw invalidJwt(`${kind.label[0]!.toUpperCase()}${kind.label.slice(1)} must have typ ${kind.typ}`);
  }
  requireRegisteredClaims(token);
  const iss = stringClaim(token, 'iss');
  checkAudience(ctx, token, audiences);
  return { token, iss };
}

/** Runs a JWKS lookup; a set that cannot be fetched or used makes the token invalid (`owner` names whose set). */
export async function fromJwks<T>(owner: 'host' | 'agent', lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof JwksError) throw invalidJwt(`The ${owner} JWKS cannot be used: ${error.message}`);
    throw error;
  }
}

export function decodeToken(raw: string): DecodedToken {
  const decoded = decodeJwtUnverified(raw);
  if (decoded.header === undefined || decoded.claims === undefined) {
    throw invalidJwt('The bearer token is not a decodable JWT');
  }
  return { raw, header: decoded.header, claims: decoded.claims };
}

export function stringClaim(token: DecodedToken, name: string): string {
  const value = token.claims[name];
  if (typeof value !== 'string' || value.length === 0) throw invalidJwt(`The JWT lacks a string '${name}' claim`);
  return value;
}

function numericClaim(token: DecodedToken, name: string): number {
  const value = token.claims[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidJwt(`The JWT lacks a numeric '${name}' claim`);
  return value;
}

/** True when the token's audience is one of `expected` (a single-valued array counts as its value). */
export function audienceMatches(token: DecodedToken, expected: readonly string[]): boolean {
  const aud = token.claims.aud;
  const value = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  return typeof value === 'string' && expected.includes(value);
}

/** The `aud-prefix-match` fault's test: the audience begins with one of `expected` (a path below it, a slash after it). */
function audienceExtends(token: DecodedToken, expected: readonly string[]): boolean {
  const aud = token.claims.aud;
  return typeof aud === 'string' && expected.some((value) => aud.startsWith(value));
}

function checkAudience(ctx: SimContext, token: DecodedToken, expected: readonly string[]): void {
  if (token.claims.aud === undefined) {
    if (tolerates(ctx, 'aud')) return;
    throw invalidJwt("The JWT lacks an 'aud' claim");
  }
  if (ctx.faults.has('skips-aud-check')) return;
  if (ctx.faults.has('aud-prefix-match') && audienceExtends(token, expected)) return;
  if (!audienceMatches(token, expected) && !tolerates(ctx, 'aud')) {
    throw invalidJwt(`The JWT audience must be ${expected.join(' or ')}`);
  }
}

/**
 * Verifies the signature with `key` (or one of `alternates`). Only EdDSA is accepted; the
 * `accepts-alg-none`, `accepts-hs256` and `skips-signature-check` faults weaken exactly that.
 */
export async function checkSignature(
  ctx: SimContext,
  token: DecodedToken,
  key: Ed25519PublicJwk,
  alternates: readonly Ed25519PublicJwk[] = [],
): Promise<void> {
  const alg = token.header.alg;
  if (alg === 'none' && ctx.faults.has('accepts-alg-none')) return;
  if (alg === 'HS256' && ctx.faults.has('accepts-hs256')) {
    if (await verifiesWith(token.raw, hs256PublicKeySecret(key), 'HS256')) return;
    throw invalidJwt('The JWT signature does not verify');
  }
  if (alg !== 'EdDSA') throw invalidJwt(`The JWT alg must be EdDSA, not ${JSON.stringify(alg)}`);
  if (ctx.faults.has('skips-signature-check')) return;
  for (const candidate of [key, ...alternates]) {
    const cryptoKey = await importJWK({ ...candidate, alg: 'EdDSA' } as JWK, 'EdDSA').catch(() => undefined);
    if (cryptoKey !== undefined && (await verifiesWith(token.raw, cryptoKey, 'EdDSA'))) return;
  }
  throw invalidJwt('The JWT signature does not verify');
}

async function verifiesWith(raw: string, key: CryptoKey | Uint8Array, alg: string): Promise<boolean> {
  try {
    await compactVerify(raw, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

/** The iat allowance of the `wide-iat-skew` fault: 10 s over the 30 s cap of §8.2. */
const WIDE_IAT_SKEW_SECONDS = 40;

/** exp and iat with the §8.2 skew: expired tokens and tokens issued too far ahead are refused. */
export function checkTimes(ctx: SimContext, token: DecodedToken): { exp: number; iat: number } {
  const exp = numericClaim(token, 'exp');
  const iat = numericClaim(token, 'iat');
  const now = ctx.clock.nowSeconds();
  if (now > exp + CLOCK_SKEW_SECONDS && !ctx.faults.has('accepts-expired-jwt') && !tolerates(ctx, 'lifetime')) {
    throw invalidJwt('The JWT has expired');
  }
  const iatAllowance = ctx.faults.has('wide-iat-skew') ? WIDE_IAT_SKEW_SECONDS : CLOCK_SKEW_SECONDS;
  if (iat > now + iatAllowance && !ctx.faults.has('accepts-future-iat')) {
    const slip = iat <= now + TOLERATED_IAT_AHEAD_SECONDS;
    if (!(slip && tolerates(ctx, 'iat-future')))
      throw invalidJwt('The JWT iat lies more than 30 seconds in the future');
  }
  return { exp, iat };
}

/** How long the `replay-check-race` fault holds a token between its replay lookup and recording its jti. */
const REPLAY_RACE_WINDOW_MS = 50;

/**
 * Refuses a replayed jti and remembers this one for `identity` (§4.6, §8.4). The lookup and the
 * record happen with no await between them, so copies of one token sent together cannot both pass;
 * the `replay-check-race` fault opens a gap there.
 */
export async function checkReplay(ctx: SimContext, token: DecodedToken, identity: string, exp: number): Promise<void> {
  const jti = token.claims.jti;
  if (typeof jti !== 'string' || jti.length === 0) {
    if (ctx.faults.has('missing-jti-accepted') || tolerates(ctx, 'jti-missing')) return;
    throw invalidJwt("The JWT lacks a string 'jti' claim");
  }
  if (ctx.faults.has('no-replay-cache')) return;
  if (ctx.replay.seen(identity, jti)) {
    if (tolerates(ctx, 'jti-replay')) return;
    throw invalidJwt('The JWT jti has already been used');
  }
  if (ctx.faults.has('replay-check-race')) await new Promise((resolve) => setTimeout(resolve, REPLAY_RACE_WINDOW_MS));
  ctx.replay.record(identity, jti, exp);
}

/** Ensures the claims that every token needs are present before state lookups start (`aud`: checkAudience). */
function requireRegisteredClaims(token: DecodedToken): void {
  stringClaim(token, 'iss');
  numericClaim(token, 'iat');
  numericClaim(token, 'exp');
}
