import { verifyAsync } from '@noble/ed25519';
import { base64url, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeJwtUnverified,
  generateEd25519KeyPair,
  hs256PublicKeySecret,
  mintAgentJwt,
  mintHostJwt,
  NON_JSON_PAYLOAD,
  randomJti,
  rawPublicKey,
  signJwt,
  verifyEdDsaJwt,
  type Ed25519KeyPair,
  type TokenVariant,
} from '../../src/jose/index.ts';

const AUD = 'https://auth.example.test';
const NOW = 1_710_000_000;
const AT_NOW = new Date(NOW * 1000);

let host: Ed25519KeyPair;
let agent: Ed25519KeyPair;
let other: Ed25519KeyPair;

beforeAll(async () => {
  [host, agent, other] = await Promise.all([
    generateEd25519KeyPair(),
    generateEd25519KeyPair({ kid: 'agent-1' }),
    generateEd25519KeyPair(),
  ]);
});

function segments(token: string): [string, string, string] {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return parts as [string, string, string];
}

function signingInput(token: string): Uint8Array {
  const [h, p] = segments(token);
  return new TextEncoder().encode(`${h}.${p}`);
}

function signatureBytes(token: string): Uint8Array {
  return base64url.decode(segments(token)[2]);
}

describe('randomJti', () => {
  it('is a fresh UUID each time', () => {
    const a = randomJti();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(randomJti()).not.toBe(a);
  });
});

describe('mintHostJwt', () => {
  it('mints a well-formed host JWT that jose verifies, with exactly the expected header and claims', async () => {
    const token = await mintHostJwt({ host, aud: AUD, now: NOW, jti: 'h-1', agentPublicKey: agent.publicJwk });
    const { header, claims } = await verifyEdDsaJwt(token, host.publicJwk, { typ: 'host+jwt', currentDate: AT_NOW });
    expect(header).toEqual({ alg: 'EdDSA', typ: 'host+jwt' });
    expect(claims).toEqual({
      iss: host.thumbprint,
      aud: AUD,
      iat: NOW,
      exp: NOW + 60,
      jti: 'h-1',
      host_public_key: host.publicJwk,
      agent_public_key: agent.publicJwk,
    });
  });

  it('defaults iat to the current time and jti to a random value', async () => {
    const before = Math.floor(Date.now() / 1000);
    const a = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD })).claims!;
    const b = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD })).claims!;
    expect(a.iat).toBeGreaterThanOrEqual(before);
    expect(a.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(a.exp).toBe((a.iat as number) + 60);
    expect(a.jti).not.toBe(b.jti);
  });

  it('applies iat, exp and lifetimeSeconds', async () => {
    const withLifetime = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD, now: NOW, lifetimeSeconds: 300 }));
    expect(withLifetime.claims).toMatchObject({ iat: NOW, exp: NOW + 300 });
    const explicit = decodeJwtUnverified(
      await mintHostJwt({ host, aud: AUD, now: NOW, iat: NOW - 500, exp: NOW - 400 }),
    );
    expect(explicit.claims).toMatchObject({ iat: NOW - 500, exp: NOW - 400 });
    const fromIat = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD, iat: NOW + 10 }));
    expect(fromIat.claims).toMatchObject({ iat: NOW + 10, exp: NOW + 70 });
  });

  it('an expired token fails verification at the given time', async () => {
    const token = await mintHostJwt({ host, aud: AUD, now: NOW - 120 });
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
    await expect(
      verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW, clockTolerance: 120 }),
    ).resolves.toBeDefined();
  });

  it('uses the JWKS form: host_jwks_url, kid from the pair, no inline key by default', async () => {
    const jwksHost = await generateEd25519KeyPair({ kid: 'host-key-1' });
    const token = await mintHostJwt({
      host: jwksHost,
      aud: AUD,
      now: NOW,
      hostJwksUrl: 'https://host.example.test/jwks.json',
      agentJwksUrl: 'https://host.example.test/agents/jwks.json',
      agentKid: 'agent-1',
    });
    const { header, claims } = await verifyEdDsaJwt(token, jwksHost.publicJwk, { currentDate: AT_NOW });
    expect(header).toEqual({ alg: 'EdDSA', typ: 'host+jwt', kid: 'host-key-1' });
    expect(claims).toEqual({
      iss: jwksHost.thumbprint,
      aud: AUD,
      iat: NOW,
      exp: NOW + 60,
      jti: expect.any(String),
      host_jwks_url: 'https://host.example.test/jwks.json',
      agent_jwks_url: 'https://host.example.test/agents/jwks.json',
      agent_kid: 'agent-1',
    });
  });

  it('includes the inline key next to host_jwks_url when asked, and omits it when told to', async () => {
    const both = decodeJwtUnverified(
      await mintHostJwt({ host, aud: AUD, hostJwksUrl: 'https://h/jwks', includeHostPublicKey: true }),
    ).claims!;
    expect(both.host_public_key).toEqual(host.publicJwk);
    expect(both.host_jwks_url).toBe('https://h/jwks');
    const none = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD, includeHostPublicKey: false })).claims!;
    expect(none).not.toHaveProperty('host_public_key');
  });

  it('honours iss, typ, kid and extra header members', async () => {
    const token = await mintHostJwt({
      host,
      aud: AUD,
      iss: 'not-the-thumbprint',
      typ: 'JWT',
      kid: 'chosen',
      header: { cty: 'x' },
    });
    const { header, claims } = decodeJwtUnverified(token);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'chosen', cty: 'x' });
    expect(claims?.iss).toBe('not-the-thumbprint');
    await expect(verifyEdDsaJwt(token, host.publicJwk, { typ: 'host+jwt' })).rejects.toThrow();
  });

  it('drops typ when the header override sets it to undefined', async () => {
    const { header } = decodeJwtUnverified(await mintHostJwt({ host, aud: AUD, header: { typ: undefined } }));
    expect(header).toEqual({ alg: 'EdDSA' });
  });

  it('omitClaims removes claims after defaults and extras; extraClaims add, override or drop', async () => {
    const token = await mintHostJwt({
      host,
      aud: AUD,
      now: NOW,
      extraClaims: { aud: ['a', 'b'], custom: { n: 1 }, jti: undefined, exp: 'soon' },
      omitClaims: ['iat', 'custom', 'host_public_key', 'not-present'],
    });
    expect(decodeJwtUnverified(token).claims).toEqual({ iss: host.thumbprint, aud: ['a', 'b'], exp: 'soon' });
  });
});

describe('mintAgentJwt', () => {
  it('mints a well-formed agent JWT that jose verifies, with exactly the expected header and claims', async () => {
    const token = await mintAgentJwt({
      agent,
      hostIss: host.thumbprint,
      agentId: 'agt_1',
      aud: AUD,
      now: NOW,
      jti: 'a-1',
    });
    const { header, claims } = await verifyEdDsaJwt(token, agent.publicJwk, { typ: 'agent+jwt', currentDate: AT_NOW });
    expect(header).toEqual({ alg: 'EdDSA', typ: 'agent+jwt', kid: 'agent-1' });
    expect(claims).toEqual({ iss: host.thumbprint, sub: 'agt_1', aud: AUD, iat: NOW, exp: NOW + 60, jti: 'a-1' });
  });

  it('carries capabilities and cnf when given', async () => {
    const token = await mintAgentJwt({
      agent,
      hostIss: host.thumbprint,
      agentId: 'agt_1',
      aud: AUD,
      now: NOW,
      capabilities: ['check_balance', 'list_accounts'],
      cnf: { jkt: other.thumbprint },
    });
    const { claims } = await verifyEdDsaJwt(token, agent.publicJwk, { currentDate: AT_NOW });
    expect(claims.capabilities).toEqual(['check_balance', 'list_accounts']);
    expect(claims.cnf).toEqual({ jkt: other.thumbprint });
  });

  it('honours typ, kid, time knobs, extraClaims and omitClaims', async () => {
    const token = await mintAgentJwt({
      agent,
      hostIss: host.thumbprint,
      agentId: 'agt_1',
      aud: AUD,
      typ: 'host+jwt',
      kid: 'k2',
      iat: NOW,
      lifetimeSeconds: 3600,
      extraClaims: { sub: 'agt_other', scope: 'x' },
      omitClaims: ['jti'],
    });
    expect(decodeJwtUnverified(token)).toEqual({
      header: { alg: 'EdDSA', typ: 'host+jwt', kid: 'k2' },
      claims: { iss: host.thumbprint, sub: 'agt_other', aud: AUD, iat: NOW, exp: NOW + 3600, scope: 'x' },
    });
  });
});

describe('signJwt', () => {
  it('merges the header over {alg: EdDSA} and drops undefined header members and claims', async () => {
    const token = await signJwt({ key: host, header: { typ: 'x', kid: undefined }, claims: { a: 1, b: undefined } });
    expect(decodeJwtUnverified(token)).toEqual({ header: { alg: 'EdDSA', typ: 'x' }, claims: { a: 1 } });
    await expect(verifyEdDsaJwt(token, host.publicJwk)).resolves.toBeDefined();
  });
});

describe('malformed variants', () => {
  const hostToken = (variant: TokenVariant) => mintHostJwt({ host, aud: AUD, now: NOW, jti: 'j', variant });

  it('alg-none: header alg none, empty signature, rejected by jose', async () => {
    const token = await hostToken('alg-none');
    expect(token.endsWith('.')).toBe(true);
    expect(segments(token)[2]).toBe('');
    const { header, claims } = decodeJwtUnverified(token);
    expect(header).toEqual({ alg: 'none', typ: 'host+jwt' });
    expect(claims?.iss).toBe(host.thumbprint);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('hs256-public-key: a valid HS256 MAC keyed with the raw public key bytes', async () => {
    const token = await hostToken('hs256-public-key');
    const secret = hs256PublicKeySecret(host.publicJwk);
    expect(secret).toEqual(rawPublicKey(host.publicJwk));
    expect(secret).toHaveLength(32);
    const { protectedHeader, payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: AT_NOW });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'host+jwt' });
    expect(payload.iss).toBe(host.thumbprint);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('corrupt-signature: a 64-byte signature that fails Ed25519 verification', async () => {
    const token = await hostToken('corrupt-signature');
    const signature = signatureBytes(token);
    expect(signature).toHaveLength(64);
    expect(decodeJwtUnverified(token).header).toEqual({ alg: 'EdDSA', typ: 'host+jwt' });
    expect(await verifyAsync(signature, signingInput(token), rawPublicKey(host.publicJwk))).toBe(false);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('other-key: header and claims as asked, verifiable only with the other key', async () => {
    const kidHost = await generateEd25519KeyPair({ kid: 'h' });
    const token = await mintHostJwt({ host: kidHost, aud: AUD, now: NOW, variant: 'other-key', otherKey: other });
    const { header, claims } = await verifyEdDsaJwt(token, other.publicJwk, { currentDate: AT_NOW });
    expect(header).toEqual({ alg: 'EdDSA', typ: 'host+jwt', kid: 'h' });
    expect(claims.iss).toBe(kidHost.thumbprint);
    expect(claims.host_public_key).toEqual(kidHost.publicJwk);
    await expect(verifyEdDsaJwt(token, kidHost.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('other-key without otherKey signs with a fresh key', async () => {
    const token = await hostToken('other-key');
    expect(signatureBytes(token)).toHaveLength(64);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
    await expect(verifyEdDsaJwt(token, other.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('non-json-payload: undecodable claims, but a valid EdDSA signature over the signing input', async () => {
    const token = await hostToken('non-json-payload');
    const decoded = decodeJwtUnverified(token);
    expect(decoded.header).toEqual({ alg: 'EdDSA', typ: 'host+jwt' });
    expect(decoded.claims).toBeUndefined();
    expect(decoded.error).toMatch(/claims/);
    expect(new TextDecoder().decode(base64url.decode(segments(token)[1]))).toBe(NON_JSON_PAYLOAD);
    expect(await verifyAsync(signatureBytes(token), signingInput(token), rawPublicKey(host.publicJwk))).toBe(true);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('wrong-alg-header: alg ES256 over a valid EdDSA signature', async () => {
    const token = await hostToken('wrong-alg-header');
    const { header, claims } = decodeJwtUnverified(token);
    expect(header).toEqual({ alg: 'ES256', typ: 'host+jwt' });
    expect(claims?.iss).toBe(host.thumbprint);
    expect(await verifyAsync(signatureBytes(token), signingInput(token), rawPublicKey(host.publicJwk))).toBe(true);
    await expect(verifyEdDsaJwt(token, host.publicJwk, { currentDate: AT_NOW })).rejects.toThrow();
  });

  it('variants apply to agent tokens too', async () => {
    const token = await mintAgentJwt({ agent, hostIss: 'h', agentId: 'a', aud: AUD, variant: 'alg-none' });
    expect(decodeJwtUnverified(token).header).toEqual({ alg: 'none', typ: 'agent+jwt', kid: 'agent-1' });
    expect(segments(token)[2]).toBe('');
  });
});
