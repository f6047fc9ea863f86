import fc from 'fast-check';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeJwtUnverified,
  generateEd25519KeyPair,
  looksLikeJwt,
  signJwt,
  type Ed25519KeyPair,
} from '../../src/jose/index.ts';

let key: Ed25519KeyPair;
beforeAll(async () => {
  key = await generateEd25519KeyPair();
});

const b64 = (text: string) => base64url.encode(text);
const GOOD_HEADER = b64('{"alg":"EdDSA"}');

describe('decodeJwtUnverified', () => {
  it('decodes header and claims of a signed token', async () => {
    const token = await signJwt({ key, header: { typ: 'agent+jwt' }, claims: { sub: 'a', n: 1 } });
    expect(decodeJwtUnverified(token)).toEqual({
      header: { alg: 'EdDSA', typ: 'agent+jwt' },
      claims: { sub: 'a', n: 1 },
    });
  });

  it.each([
    ['an empty string', ''],
    ['a single segment', 'abc'],
    ['two segments', `${GOOD_HEADER}.${b64('{}')}`],
    ['four segments', `${GOOD_HEADER}.${b64('{}')}.x.y`],
    ['a non-base64url header', `!!!.${b64('{}')}.sig`],
    ['a non-JSON header', `${b64('nope')}.${b64('{}')}.sig`],
    ['a JSON array payload', `${GOOD_HEADER}.${b64('[1]')}.sig`],
    ['a non-JSON payload', `${GOOD_HEADER}.${b64('nope')}.sig`],
  ])('reports an error and does not throw for %s', (_label, token) => {
    const decoded = decodeJwtUnverified(token);
    expect(decoded.error).toEqual(expect.any(String));
  });

  it('keeps the header when only the claims are bad', () => {
    const decoded = decodeJwtUnverified(`${GOOD_HEADER}.${b64('nope')}.sig`);
    expect(decoded.header).toEqual({ alg: 'EdDSA' });
    expect(decoded.claims).toBeUndefined();
    expect(decoded.error).toMatch(/^claims: /);
  });

  it('keeps the claims when only the header is bad', () => {
    const decoded = decodeJwtUnverified(`${b64('nope')}.${b64('{"a":1}')}.sig`);
    expect(decoded.header).toBeUndefined();
    expect(decoded.claims).toEqual({ a: 1 });
    expect(decoded.error).toMatch(/^header: /);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(() => decodeJwtUnverified(s)).not.toThrow();
      }),
    );
  });

  it('round-trips any claim set through signJwt', async () => {
    // JSON.stringify turns -0 into 0, so the generated values are normalised the same way.
    const claimSet = fc
      .dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }))
      .map((claims) => JSON.parse(JSON.stringify(claims)) as Record<string, unknown>);
    await fc.assert(
      fc.asyncProperty(claimSet, async (claims) => {
        const token = await signJwt({ key, claims });
        expect(decodeJwtUnverified(token).claims).toEqual(claims);
      }),
      { numRuns: 100 },
    );
  });
});

describe('looksLikeJwt', () => {
  it('accepts signed and unsigned compact tokens', async () => {
    expect(looksLikeJwt(await signJwt({ key, claims: {} }))).toBe(true);
    expect(looksLikeJwt(await signJwt({ key, claims: {}, variant: 'alg-none' }))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a plain word', 'hello'],
    ['two segments', `${GOOD_HEADER}.${b64('{}')}`],
    ['four segments', `${GOOD_HEADER}.e30.sig.x`],
    ['a bearer prefix', `Bearer ${GOOD_HEADER}.e30.sig`],
    ['padding characters', `${GOOD_HEADER}.e30=.sig`],
    ['a non-JSON header', `${b64('nope')}.e30.sig`],
    ['a JSON array header', `${b64('[1]')}.e30.sig`],
  ])('rejects %s', (_label, s) => {
    expect(looksLikeJwt(s)).toBe(false);
  });
});
