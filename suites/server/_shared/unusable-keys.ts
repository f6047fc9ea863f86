import { exportJWK, generateKeyPair } from 'jose';

/** Public keys a rotation request must not install: §4.1 allows Ed25519 only. */

/** A well-formed P-256 public JWK: a real key of an algorithm the protocol does not use. */
export async function p256PublicJwk(): Promise<Record<string, unknown>> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)) };
}

/** Ed25519 JWKs that are not keys: a 3-byte `x`, and no `x` at all. */
export const MALFORMED_ED25519_JWKS: readonly { what: string; jwk: Record<string, unknown> }[] = [
  { what: 'an Ed25519 JWK whose x is 3 bytes long', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } },
  { what: 'an Ed25519 JWK without x', jwk: { kty: 'OKP', crv: 'Ed25519' } },
];
