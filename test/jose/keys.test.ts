import { getPublicKeyAsync } from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import {
  generateEd25519KeyPair,
  importPublicJwk,
  jwks,
  jwkThumbprint,
  publicJwkOf,
  rawPrivateKey,
  rawPublicKey,
} from '../../src/jose/index.ts';

describe('jwkThumbprint', () => {
  it('matches the RFC 7638 SHA-256 thumbprint of the RFC 8037 §A.3 Ed25519 key', async () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } as const;
    expect(await jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('ignores kid', async () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k' } as const;
    expect(await jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});

describe('generateEd25519KeyPair', () => {
  it('produces an Ed25519 OKP public JWK, its thumbprint and matching private material', async () => {
    const pair = await generateEd25519KeyPair();
    expect(pair.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) });
    expect(pair.kid).toBeUndefined();
    expect(pair.thumbprint).toBe(await jwkThumbprint(pair.publicJwk));
    expect(pair.privateJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: pair.publicJwk.x, d: expect.any(String) });
    expect(pair.privateKey.type).toBe('private');
    expect(rawPublicKey(pair.publicJwk)).toHaveLength(32);
    expect(await getPublicKeyAsync(rawPrivateKey(pair))).toEqual(rawPublicKey(pair.publicJwk));
  });

  it('attaches the kid to the pair and both JWKs without changing the thumbprint', async () => {
    const pair = await generateEd25519KeyPair({ kid: 'host-1' });
    expect(pair.kid).toBe('host-1');
    expect(pair.publicJwk.kid).toBe('host-1');
    expect(pair.privateJwk.kid).toBe('host-1');
    expect(pair.thumbprint).toBe(await jwkThumbprint({ ...pair.publicJwk, kid: undefined }));
  });

  it('generates distinct keys', async () => {
    const [a, b] = await Promise.all([generateEd25519KeyPair(), generateEd25519KeyPair()]);
    expect(a.thumbprint).not.toBe(b.thumbprint);
  });
});

describe('publicJwkOf / jwks / importPublicJwk', () => {
  it('returns a copy of the public JWK', async () => {
    const pair = await generateEd25519KeyPair({ kid: 'a' });
    const jwk = publicJwkOf(pair);
    expect(jwk).toEqual(pair.publicJwk);
    jwk.x = 'changed';
    expect(pair.publicJwk.x).not.toBe('changed');
  });

  it('builds a JWKS with each key and its kid', async () => {
    const a = await generateEd25519KeyPair({ kid: 'a' });
    const b = await generateEd25519KeyPair({ kid: 'b' });
    expect(jwks(a, b)).toEqual({
      keys: [
        { kty: 'OKP', crv: 'Ed25519', x: a.publicJwk.x, kid: 'a' },
        { kty: 'OKP', crv: 'Ed25519', x: b.publicJwk.x, kid: 'b' },
      ],
    });
    expect(jwks()).toEqual({ keys: [] });
  });

  it('imports a public JWK as an Ed25519 CryptoKey', async () => {
    const pair = await generateEd25519KeyPair();
    const key = await importPublicJwk(pair.publicJwk);
    expect(key.type).toBe('public');
    expect(key.algorithm.name).toBe('Ed25519');
  });
});
