import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Ed25519PublicJwk } from './types.ts';

export interface Ed25519KeyPair {
  publicJwk: Ed25519PublicJwk;
  privateJwk: JWK;
  privateKey: CryptoKey;
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url). */
  thumbprint: string;
  kid?: string;
}

export async function generateEd25519KeyPair(opts: { kid?: string } = {}): Promise<Ed25519KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const exportedPublic = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  if (exportedPublic.kty !== 'OKP' || exportedPublic.crv !== 'Ed25519' || typeof exportedPublic.x !== 'string') {
    throw new Error('generated key is not an Ed25519 OKP key');
  }
  const publicJwk: Ed25519PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: exportedPublic.x };
  if (opts.kid !== undefined) {
    publicJwk.kid = opts.kid;
    privateJwk.kid = opts.kid;
  }
  const pair: Ed25519KeyPair = { publicJwk, privateJwk, privateKey, thumbprint: await jwkThumbprint(publicJwk) };
  if (opts.kid !== undefined) pair.kid = opts.kid;
  return pair;
}

/** RFC 7638 JWK thumbprint with SHA-256, base64url-encoded (only the required members count, so `kid` is ignored). */
export function jwkThumbprint(jwk: JWK | Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint(jwk as JWK, 'sha256');
}

export async function importPublicJwk(jwk: JWK | Ed25519PublicJwk): Promise<CryptoKey> {
  const key = await importJWK(jwk as JWK, 'EdDSA');
  if (key instanceof Uint8Array) throw new Error('expected an asymmetric public JWK, got a symmetric key');
  return key;
}

/** A copy of the pair's public JWK (with its kid, when the pair has one). */
export function publicJwkOf(pair: Ed25519KeyPair): Ed25519PublicJwk {
  return { ...pair.publicJwk };
}

/** A JWKS document holding the public keys of the given pairs. */
export function jwks(...pairs: Ed25519KeyPair[]): { keys: Ed25519PublicJwk[] } {
  return { keys: pairs.map(publicJwkOf) };
}

/** The raw 32-byte Ed25519 public key (the decoded `x` member). */
export function rawPublicKey(jwk: Ed25519PublicJwk): Uint8Array {
  return base64url.decode(jwk.x);
}

/** The raw 32-byte Ed25519 private seed (the decoded `d` member). */
export function rawPrivateKey(pair: Ed25519KeyPair): Uint8Array {
  if (typeof pair.privateJwk.d !== 'string') throw new Error('key pair has no private key material (d)');
  return base64url.decode(pair.privateJwk.d);
}
