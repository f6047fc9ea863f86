import { jwkThumbprint } from '../jose/index.ts';
import { Ed25519PublicJwkSchema, HOST_JWT_TYPE, type Ed25519PublicJwk } from '../protocol/index.ts';
import { tolerates } from './tolerance.ts';
import type { SimContext } from './sim-context.ts';
import { forbidden, invalidJwt, notFound, ProtocolError } from './errors.ts';
import {
  checkReplay,
  checkSignature,
  checkTimes,
  decodeBearerJwt,
  fromJwks,
  type DecodedToken,
  type TokenKind,
} from './jwt-checks.ts';
import type { HostRecord, KeyDelivery } from './store.ts';

/** Host-authenticated operations; they differ in what an unknown or pending host may do. */
export type HostOperation =
  | 'register'
  | 'list-capabilities'
  | 'status'
  | 'reactivate'
  | 'revoke-agent'
  | 'rotate-agent-key'
  | 'rotate-host-key'
  | 'revoke-host';

/** Operations a host the server has never seen may perform (it proves its key, nothing more). */
const UNKNOWN_HOST_ALLOWED: ReadonlySet<HostOperation> = new Set(['register', 'list-capabilities']);
/**
 * Operations open to a pending host: registration (§4.5.1 step 8), plus listing and polling the
 * status of its own pending agents, which the approval flow needs (§5.3, §7.1).
 */
const PENDING_HOST_ALLOWED: ReadonlySet<HostOperation> = new Set(['register', 'list-capabilities', 'status']);

export interface VerifiedHostJwt {
  token: DecodedToken;
  /** The stored host; absent when an unknown host proved its key (registration, listing). */
  host: HostRecord | undefined;
  /** The `iss` claim, i.e. the thumbprint of the signing key. */
  thumbprint: string;
  signingKey: Ed25519PublicJwk;
  keyDelivery: KeyDelivery;
  jwksUrl: string | undefined;
}

interface ResolvedKey {
  host: HostRecord | undefined;
  key: Ed25519PublicJwk;
  keyDelivery: KeyDelivery;
  jwksUrl: string | undefined;
  /** A JWKS host signing with a rotated key: its stored identifier moves to `iss` once verified. */
  rotatedTo: string | undefined;
}

const HOST_TOKEN: TokenKind = {
  label: 'a host JWT',
  typ: HOST_JWT_TYPE,
  acceptsOtherTyp: (ctx) => ctx.faults.has('accepts-wrong-typ-host'),
};

/** Host JWT verification in the order of §4.5.1. */
export async function verifyHostJwt(
  ctx: SimContext,
  authorization: string | undefined,
  operation: HostOperation,
): Promise<VerifiedHostJwt> {
  // Steps 1-3: typ, iss, aud.
  const decoded = decodeBearerJwt(ctx, authorization, HOST_TOKEN, [ctx.issuer]);
  const { token } = decoded;
  const iss = await identifyingIss(ctx, token, decoded.iss);
  // Step 4: find the host and the key that must have signed.
  const resolved = await resolveHostKey(ctx, token, iss, operation);
  // Step 5: signature.
  await checkSignature(ctx, token, resolved.key);
  // Step 6-7: exp/iat and jti replay.
  const { exp } = checkTimes(ctx, token);
  // Partitioned by the signing identity: the same key before and after its host record exists.
  await checkReplay(ctx, token, `host:${iss}`, exp);
  // Step 8: host state.
  const host = resolved.host;
  if (host !== undefined) {
    const revokedAllowed =
      (operation === 'register' && ctx.faults.has('revoked-host-registers')) ||
      (operation === 'status' && ctx.faults.has('revoked-host-status-readable'));
    if (host.status === 'revoked' && !revokedAllowed) throw forbidden('host_revoked', 'The host has been revoked');
    if (host.status === 'rejected') throw forbidden('host_rejected', 'The host was rejected');
    if (host.status === 'pending' && !PENDING_HOST_ALLOWED.has(operation)) {
      throw forbidden('host_pending', 'The host is still pending approval');
    }
    if (resolved.rotatedTo !== undefined) host.thumbprint = resolved.rotatedTo;
    host.lastUsedAt = ctx.clock.now();
  }
  return {
    token,
    host,
    thumbprint: iss,
    signingKey: resolved.key,
    keyDelivery: resolved.keyDelivery,
    jwksUrl: resolved.jwksUrl,
  };
}

/**
 * The host identifier the token stands for: its `iss`, or, where the `iss` step is tolerated and the
 * token carries an inline key, that key's thumbprint (the signature still has to verify with it).
 */
async function identifyingIss(ctx: SimContext, token: DecodedToken, iss: string): Promise<string> {
  const parsed = Ed25519PublicJwkSchema.safeParse(token.claims.host_public_key);
  if (!parsed.success) return iss;
  const thumbprint = await jwkThumbprint(parsed.data);
  return thumbprint !== iss && tolerates(ctx, 'iss') ? thumbprint : iss;
}

async function resolveHostKey(
  ctx: SimContext,
  token: DecodedToken,
  iss: string,
  operation: HostOperation,
): Promise<ResolvedKey> {
  const inlineKey = token.claims.host_public_key;
  const jwksUrl = typeof token.claims.host_jwks_url === 'string' ? token.claims.host_jwks_url : undefined;
  const kid = typeof token.header.kid === 'string' ? token.header.kid : undefined;

  let host = ctx.store.hostByThumbprint(iss);
  let retiredKey: Ed25519PublicJwk | undefined;
  if (host === undefined && ctx.faults.has('old-host-key-works-after-rotation')) {
    host = ctx.store.hostByRetiredThumbprint(iss);
    retiredKey = host?.retiredKeys.find((retired) => retired.thumbprint === iss)?.key;
  }
  if (host !== undefined) {
    checkDeliveryMode(ctx, host, inlineKey !== undefined, jwksUrl !== undefined);
    if (host.keyDelivery === 'inline') {
      const key = retiredKey ?? host.publicKey!;
      return { host, key, keyDelivery: 'inline', jwksUrl: undefined, rotatedTo: undefined };
    }
    const key = await jwksKey(ctx, host.jwksUrl!, kid, iss, false);
    return { host, key, keyDelivery: 'jwks', jwksUrl: host.jwksUrl, rotatedTo: undefined };
  }

  if (jwksUrl !== undefined) {
    const byUrl = ctx.store.hostByJwksUrl(jwksUrl);
    if (byUrl !== undefined) {
      // A JWKS host signing with a new key (§4.5.1 step 4, §8.7): re-fetch and move its identifier.
      checkDeliveryMode(ctx, byUrl, inlineKey !== undefined, true);
      const key = await jwksKey(ctx, jwksUrl, kid, iss, true);
      return { host: byUrl, key, keyDelivery: 'jwks', jwksUrl, rotatedTo: iss };
    }
  }

  if (!UNKNOWN_HOST_ALLOWED.has(operation)) {
    if (operation === 'revoke-host') throw notFound('host_not_found', 'No host is registered with this key');
    throw invalidJwt('The host is not known to this server');
  }
  // Dynamic registration: the presented key must hash to iss (§4.2, §4.5.1 step 4).
  if (inlineKey !== undefined && jwksUrl !== undefined) {
    throw invalidJwt('A host JWT carries either host_public_key or host_jwks_url, not both');
  }
  let key: Ed25519PublicJwk;
  if (inlineKey !== undefined) {
    key = parseHostKey(inlineKey, operation);
  } else if (jwksUrl !== undefined) {
    key = await jwksKey(ctx, jwksUrl, kid, undefined, false);
  } else {
    throw invalidJwt('An unknown host must present host_public_key or host_jwks_url');
  }
  if ((await jwkThumbprint(key)) !== iss && !ctx.faults.has('no-iss-thumbprint-check')) {
    throw invalidJwt('The iss claim is not the RFC 7638 thumbprint of the host key');
  }
  return {
    host: undefined,
    key,
    keyDelivery: jwksUrl !== undefined ? 'jwks' : 'inline',
    jwksUrl,
    rotatedTo: undefined,
  };
}

/** The key delivery mode is fixed when the host registers (§8.7). */
function checkDeliveryMode(ctx: SimContext, host: HostRecord, presentsInline: boolean, presentsJwks: boolean): void {
  if (ctx.faults.has('key-mode-switch-accepted')) return;
  if (host.keyDelivery === 'inline' && presentsJwks) {
    throw invalidJwt('This host registered an inline key and cannot switch to host_jwks_url');
  }
  if (host.keyDelivery === 'jwks' && presentsInline) {
    throw invalidJwt('This host registered a JWKS URL and cannot switch to an inline key');
  }
}

function parseHostKey(value: unknown, operation: HostOperation): Ed25519PublicJwk {
  const parsed = Ed25519PublicJwkSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const kty = typeof value === 'object' && value !== null ? (value as { kty?: unknown }).kty : undefined;
  if (operation === 'register' && typeof kty === 'string' && kty !== 'OKP') {
    throw new ProtocolError(400, 'unsupported_algorithm', `Host keys must be Ed25519; got key type ${kty}`);
  }
  throw invalidJwt('host_public_key is not an Ed25519 public JWK');
}

async function jwksKey(
  ctx: SimContext,
  url: string,
  kid: string | undefined,
  expectedThumbprint: string | undefined,
  refresh: boolean,
): Promise<Ed25519PublicJwk> {
  if (kid === undefined) throw invalidJwt('A host JWT for a JWKS-keyed host must name its key with kid');
  const key = await fromJwks('host', () => ctx.jwks.ed25519Key(url, kid, { refresh }));
  if (expectedThumbprint !== undefined && (await jwkThumbprint(key)) !== expectedThumbprint) {
    throw invalidJwt('The iss claim is not the thumbprint of the JWKS key named by kid');
  }
  return key;
}
