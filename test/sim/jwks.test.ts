import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, jwks, mintAgentJwt, type Ed25519KeyPair } from '../../src/jose/index.ts';
import { createSimClock } from '../../src/sim/clock.ts';
import { JwksError, JwksFetcher, validateJwks } from '../../src/sim/jwks-fetch.ts';
import { SimDriver, errorCode } from './helpers.ts';
import { JwksServer } from './jwks-server.ts';

describe('JWKS-keyed hosts and agents (§4.1, §4.2, §8.7)', () => {
  let d: SimDriver;
  let keys: JwksServer;
  beforeAll(async () => {
    d = await SimDriver.start({ allowLoopbackJwks: true });
    keys = await JwksServer.start();
  });
  afterAll(async () => {
    await d.stop();
    await keys.stop();
  });

  async function jwksHost(
    path: string,
  ): Promise<{ host: Ed25519KeyPair; url: string; publish: (...k: Ed25519KeyPair[]) => void }> {
    const host = await generateEd25519KeyPair({ kid: 'h1' });
    let published = [host];
    const url = keys.json(path, () => jwks(...published));
    return { host, url, publish: (...k) => (published = k) };
  }

  it('AAP-4.2-CLAIM.host_jwks_url AAP-8.7-02 AAP-5.9-08: registers and authenticates a JWKS host, rotating its key', async () => {
    const { host, url, publish } = await jwksHost('/host-a.json');
    const agent = await generateEd25519KeyPair();
    const registered = await d.post(
      '/agent/register',
      { name: 'jwks', capabilities: ['check_balance'] },
      await d.hostJwt(host, { hostJwksUrl: url, agentPublicKey: agent.publicJwk }),
    );
    expect(registered.status).toBe(200);
    const agentId = registered.body.agent_id;
    await d.control('approve', { agent_id: agentId });
    expect((await d.get(`/agent/status?agent_id=${agentId}`, await d.hostJwt(host, { hostJwksUrl: url }))).status).toBe(
      200,
    );

    // The host rotates at its JWKS URL; agents may present the new iss before any host JWT does.
    const rotated = await generateEd25519KeyPair({ kid: 'h2' });
    publish(host, rotated);
    const agentToken = await mintAgentJwt({ agent, agentId, hostIss: rotated.thumbprint, aud: d.issuer, now: d.now() });
    expect((await d.get('/capability/list', agentToken)).status).toBe(200);
    const viaNewKey = await d.get(`/agent/status?agent_id=${agentId}`, await d.hostJwt(rotated, { hostJwksUrl: url }));
    expect(viaNewKey.status).toBe(200);

    // Inline keys are refused for a JWKS host, and inline rotation does not apply.
    const inline = await d.get(
      `/agent/status?agent_id=${agentId}`,
      await d.hostJwt(rotated, { hostJwksUrl: url, includeHostPublicKey: true }),
    );
    expect(inline.status).toBe(401);
    const fresh = await generateEd25519KeyPair();
    const rotate = await d.post(
      '/host/rotate-key',
      { public_key: fresh.publicJwk },
      await d.hostJwt(rotated, { hostJwksUrl: url }),
    );
    expect(rotate.status).toBe(400);
  });

  it('AAP-4.2-CLAIM.agent_jwks_url AAP-4.2-CLAIM.agent_kid: agent keys from a JWKS URL', async () => {
    const host = await generateEd25519KeyPair();
    const agent = await generateEd25519KeyPair({ kid: 'a1' });
    const url = keys.json('/agent-b.json', () => jwks(agent));
    const registered = await d.post(
      '/agent/register',
      { name: 'jwks agent', capabilities: ['check_balance'] },
      await d.hostJwt(host, { agentJwksUrl: url, agentKid: 'a1' }),
    );
    expect(registered.status).toBe(200);
    await d.control('approve', { agent_id: registered.body.agent_id });
    const token = await mintAgentJwt({
      agent,
      agentId: registered.body.agent_id,
      hostIss: host.thumbprint,
      aud: d.issuer,
      now: d.now(),
    });
    expect((await d.get('/capability/list', token)).status).toBe(200);
    const missingKid = await d.post(
      '/agent/register',
      { name: 'x' },
      await d.hostJwt(host, { agentJwksUrl: url, agentKid: 'nope' }),
    );
    expect(errorCode(missingKid)).toBe('invalid_request');
  });

  it('host and agent JWKS URLs must differ (§4.2)', async () => {
    const { host, url } = await jwksHost('/host-c.json');
    const answer = await d.post(
      '/agent/register',
      { name: 'same' },
      await d.hostJwt(host, { hostJwksUrl: url, agentJwksUrl: url, agentKid: 'h1' }),
    );
    expect(answer.status).toBe(400);
  });

  it('AAP-4.2-08 AAP-8.12-01 AAP-8.12-03: without the loopback opt-in, http and loopback JWKS URLs are never fetched', async () => {
    const strict = await SimDriver.start();
    try {
      const { host, url } = await jwksHost('/host-d.json');
      keys.hits = [];
      const http = await strict.register({}, { host, token: { hostJwksUrl: url } });
      expect(http.status).toBe(401);
      const https = await strict.register({}, { host, token: { hostJwksUrl: url.replace('http:', 'https:') } });
      expect(https.status).toBe(401);
      expect(https.body.message).toMatch(/loopback|private/);
      expect(keys.hits).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});

describe('JWKS fetch protections (§8.12)', () => {
  let keys: JwksServer;
  const clock = createSimClock();
  const fetcher = (overrides: Partial<ConstructorParameters<typeof JwksFetcher>[1]> = {}) =>
    new JwksFetcher(clock, { allowLoopback: true, unprotected: false, ...overrides });
  beforeAll(async () => {
    keys = await JwksServer.start();
  });
  afterAll(() => keys.stop());

  it('AAP-8.12-13 AAP-8.12-14 AAP-8.12-15 AAP-8.12-16 AAP-8.12-18: validates JWKS content: JSON, non-empty, known asymmetric key types, no oct, no private members', () => {
    expect(() => validateJwks('nope', 20)).toThrow(JwksError);
    expect(() => validateJwks('{"keys":[]}', 20)).toThrow(/no keys/);
    expect(() => validateJwks('{"keys":[{"kty":"oct","k":"AAAA"}]}', 20)).toThrow(/symmetric/);
    expect(() => validateJwks('{"keys":[{"kty":"XYZ"}]}', 20)).toThrow(/unknown key type/);
    expect(() => validateJwks('{"keys":[{"kty":"OKP","crv":"Ed25519"}]}', 20)).toThrow(/lacks 'x'/);
    expect(() => validateJwks('{"keys":[{"kty":"OKP","crv":"Ed25519","x":"a","d":"b"}]}', 20)).toThrow(/private/);
    expect(
      validateJwks('{"keys":[{"kty":"RSA","n":"a","e":"b"},{"kty":"OKP","crv":"Ed25519","x":"a"}]}', 20),
    ).toHaveLength(2);
    const many = JSON.stringify({ keys: Array.from({ length: 21 }, () => ({ kty: 'OKP', crv: 'Ed25519', x: 'a' })) });
    expect(() => validateJwks(many, 20)).toThrow(/more than 20/);
  });

  it('AAP-8.12-17: finds a key by kid and refuses an absent kid', async () => {
    const key = await generateEd25519KeyPair({ kid: 'k1' });
    const url = keys.json('/one.json', () => jwks(key));
    expect((await fetcher().ed25519Key(url, 'k1')).x).toBe(key.publicJwk.x);
    await expect(fetcher().ed25519Key(url, 'k2')).rejects.toThrow(/no key with kid/);
  });

  it('AAP-8.12-04: follows at most three redirects', async () => {
    const key = await generateEd25519KeyPair({ kid: 'k1' });
    const target = keys.json('/target.json', () => jwks(key));
    for (let i = 1; i <= 4; i += 1) {
      const next = i === 1 ? target : `${keys.origin}/hop${i - 1}`;
      keys.routes.set(`/hop${i}`, () => ({ status: 302, headers: { location: next } }));
    }
    expect((await fetcher().ed25519Key(`${keys.origin}/hop3`, 'k1')).kid).toBe('k1');
    await expect(fetcher().ed25519Key(`${keys.origin}/hop4`, 'k1')).rejects.toThrow(/redirects/);
  });

  it('AAP-8.12-04: re-checks redirect targets against the address rules', async () => {
    keys.routes.set('/to-private', () => ({ status: 302, headers: { location: 'https://10.1.2.3/jwks.json' } }));
    await expect(fetcher().ed25519Key(`${keys.origin}/to-private`, 'k1')).rejects.toThrow(/private/);
  });

  it('AAP-8.12-05 AAP-8.12-06: caps the response size and times out', async () => {
    keys.routes.set('/big', () => ({ body: `{"keys":[],"pad":"${'x'.repeat(2048)}"}` }));
    await expect(fetcher({ maxBytes: 1024 }).ed25519Key(`${keys.origin}/big`, 'k1')).rejects.toThrow(/exceeds/);
    keys.routes.set('/slow', () => ({ hang: true }));
    await expect(fetcher({ timeoutMs: 200 }).ed25519Key(`${keys.origin}/slow`, 'k1')).rejects.toThrow(/timed out/);
  });

  it('AAP-8.12-01 AAP-8.12-03: refuses http, loopback, private and link-local targets unless allowed', async () => {
    const strict = fetcher({ allowLoopback: false });
    await expect(strict.ed25519Key(`${keys.origin}/one.json`, 'k1')).rejects.toThrow(/loopback/);
    for (const url of [
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/x',
      'https://192.168.1.1/x',
      'https://172.16.0.1/x',
      'https://[fd00::1]/x',
      'https://localhost/x',
    ]) {
      await expect(strict.ed25519Key(url, 'k1')).rejects.toThrow(JwksError);
    }
    await expect(strict.ed25519Key('ftp://example.com/x', 'k1')).rejects.toThrow(/https/);
    // Even with the loopback opt-in, http to a non-loopback address is refused.
    await expect(fetcher().ed25519Key('http://192.168.1.1/x', 'k1')).rejects.toThrow(JwksError);
  });

  it('AAP-4.2-09: caches key sets and refetches on a kid miss', async () => {
    const first = await generateEd25519KeyPair({ kid: 'c1' });
    const second = await generateEd25519KeyPair({ kid: 'c2' });
    let published = [first];
    const url = keys.json('/cache.json', () => jwks(...published));
    const f = fetcher();
    keys.hits = [];
    await f.ed25519Key(url, 'c1');
    await f.ed25519Key(url, 'c1');
    expect(keys.hits).toEqual(['/cache.json']);
    published = [first, second];
    await f.ed25519Key(url, 'c2');
    expect(keys.hits).toEqual(['/cache.json', '/cache.json']);
  });
});
