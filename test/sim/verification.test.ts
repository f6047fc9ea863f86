import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, randomJti } from '../../src/jose/index.ts';
import { SimDriver, errorCode, type RegisteredAgent } from './helpers.ts';

describe('agent JWT verification (§4.3, §4.5, §8.2)', () => {
  let d: SimDriver;
  let a: RegisteredAgent;
  beforeAll(async () => {
    d = await SimDriver.start();
    a = await d.activeAgent({ capabilities: ['check_balance', 'list_accounts'] });
  });
  afterAll(() => d.stop());

  const listWith = async (token: string) => d.get('/capability/list', token);
  const rejected = async (token: string, status = 401, code = 'invalid_jwt') => {
    const answer = await listWith(token);
    expect(answer.status).toBe(status);
    expect(errorCode(answer)).toBe(code);
  };

  it('accepts a well-formed agent JWT', async () => {
    expect((await listWith(await d.agentJwt(a))).status).toBe(200);
  });

  it('AAP-4.3-03 AAP-4.5-STEP1: rejects other typ values, including host+jwt', async () => {
    await rejected(await d.agentJwt(a, { typ: 'JWT' }));
    await rejected(await d.agentJwt(a, { header: { typ: undefined } }));
    const asHost = await d.agentJwt(a, { typ: 'host+jwt', aud: d.executeUrl });
    const answer = await d.post('/capability/execute', { capability: 'list_accounts' }, asHost);
    expect(answer.status).toBe(401);
  });

  it('AAP-4.3-06 AAP-4.5-STEP3: rejects a wrong audience; non-execution endpoints expect the issuer', async () => {
    await rejected(await d.agentJwt(a, { aud: 'https://evil.example' }));
    await rejected(await d.agentJwt(a, { aud: d.executeUrl }));
  });

  it('AAP-4.5-STEP7: only EdDSA signatures by the agent key verify', async () => {
    await rejected(await d.agentJwt(a, { variant: 'alg-none' }));
    await rejected(await d.agentJwt(a, { variant: 'hs256-public-key' }));
    await rejected(await d.agentJwt(a, { variant: 'corrupt-signature' }));
    await rejected(await d.agentJwt(a, { variant: 'other-key' }));
    await rejected(await d.agentJwt(a, { variant: 'wrong-alg-header' }));
    await rejected(await d.agentJwt(a, { variant: 'non-json-payload' }));
    await rejected('not-a-jwt');
    const malformed = await d.request('GET', '/capability/list', { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
  });

  it('AAP-4.5-STEP8 AAP-8.2-03: exp and iat with 30 s skew', async () => {
    const now = d.now();
    await rejected(await d.agentJwt(a, { iat: now - 120, exp: now - 31 }));
    expect((await listWith(await d.agentJwt(a, { iat: now - 80, exp: now - 20 }))).status).toBe(200);
    await rejected(await d.agentJwt(a, { iat: now + 45, exp: now + 100 }));
    expect((await listWith(await d.agentJwt(a, { iat: now + 20, exp: now + 80 }))).status).toBe(200);
  });

  it('AAP-4.3-CLAIM.jti AAP-4.3-CLAIM.exp AAP-4.3-CLAIM.iat: missing registered claims are rejected', async () => {
    for (const claim of ['exp', 'iat', 'jti', 'sub', 'iss', 'aud'])
      await rejected(await d.agentJwt(a, { omitClaims: [claim] }));
  });

  it('AAP-4.6-03 AAP-8.4-01: a replayed jti is rejected', async () => {
    const token = await d.agentJwt(a);
    expect((await listWith(token)).status).toBe(200);
    await rejected(token);
  });

  it('AAP-8.2-05: the replay cache covers the skew margin after exp', async () => {
    const now = d.now();
    const token = await d.agentJwt(a, { iat: now - 70, exp: now - 10 });
    expect((await listWith(token)).status).toBe(200);
    d.sim.clock.advance(15);
    await rejected(token);
  });

  it('the replay cache is partitioned per identity', async () => {
    const b = await d.activeAgent();
    const jti = randomJti();
    expect((await listWith(await d.agentJwt(a, { jti }))).status).toBe(200);
    expect((await listWith(await d.agentJwt(b, { jti }))).status).toBe(200);
  });

  it('AAP-4.5-STEP5: an agent of another host is rejected', async () => {
    const b = await d.activeAgent();
    await rejected(await d.agentJwt({ ...a, host: b.host }));
  });

  it('AAP-4.5-STEP6 AAP-2.3-STATE.pending: tokens of pending agents answer agent_pending', async () => {
    const pending = await d.register({ capabilities: ['transfer_international'] }, { host: a.host });
    const token = await d.agentJwt({ host: a.host, agent: pending.agent, agentId: pending.body.agent_id });
    await rejected(token, 403, 'agent_pending');
  });

  it('host tokens on agent endpoints are refused', async () => {
    const answer = await d.post(
      '/agent/request-capability',
      { capabilities: ['list_accounts'] },
      await d.hostJwt(a.host),
    );
    expect(answer.status).toBe(401);
  });
});

describe('host JWT verification (§4.2, §4.5.1, §8.7)', () => {
  let d: SimDriver;
  let a: RegisteredAgent;
  beforeAll(async () => {
    d = await SimDriver.start();
    a = await d.activeAgent();
  });
  afterAll(() => d.stop());

  const statusWith = (token: string) => d.get(`/agent/status?agent_id=${a.agentId}`, token);
  const rejected = async (token: string, status = 401, code = 'invalid_jwt') => {
    const answer = await statusWith(token);
    expect(answer.status).toBe(status);
    expect(errorCode(answer)).toBe(code);
  };

  it('accepts a well-formed host JWT with or without agent key claims (AAP-4.2-10)', async () => {
    expect((await statusWith(await d.hostJwt(a.host))).status).toBe(200);
    const other = await generateEd25519KeyPair();
    expect((await statusWith(await d.hostJwt(a.host, { agentPublicKey: other.publicJwk }))).status).toBe(200);
  });

  it('AAP-4.5.1-STEP1: typ must be host+jwt (agent tokens on host endpoints fail)', async () => {
    await rejected(await d.hostJwt(a.host, { typ: 'agent+jwt' }));
    await rejected(await d.hostJwt(a.host, { typ: 'JWT' }));
    await rejected(await d.agentJwt(a));
  });

  it('AAP-4.5.1-STEP3: aud must be the issuer', async () => {
    await rejected(await d.hostJwt(a.host, { aud: d.executeUrl }));
  });

  it('AAP-4.5.1-STEP5: signatures and algorithms', async () => {
    await rejected(await d.hostJwt(a.host, { variant: 'alg-none' }));
    await rejected(await d.hostJwt(a.host, { variant: 'hs256-public-key' }));
    await rejected(await d.hostJwt(a.host, { variant: 'corrupt-signature' }));
  });

  it('AAP-4.5.1-STEP6 AAP-4.5.1-STEP7: time checks and replay', async () => {
    await rejected(await d.hostJwt(a.host, { now: d.now() - 200 }));
    await rejected(await d.hostJwt(a.host, { iat: d.now() + 60 }));
    const token = await d.hostJwt(a.host);
    expect((await statusWith(token)).status).toBe(200);
    await rejected(token);
  });

  it('AAP-4.2-06: a new host whose iss is not its key thumbprint cannot register', async () => {
    const host = await generateEd25519KeyPair();
    const other = await generateEd25519KeyPair();
    const answer = await d.register({}, { host, token: { iss: other.thumbprint } });
    expect(answer.status).toBe(401);
  });

  it('AAP-8.7-06: an inline host cannot switch to host_jwks_url', async () => {
    await rejected(
      await d.hostJwt(a.host, { hostJwksUrl: 'https://jwks.example/host.json', includeHostPublicKey: false }),
    );
  });

  it('AAP-4.5.1-STEP8: a pending host may only register and poll; revoked hosts get host_revoked', async () => {
    const pending = await d.register({ capabilities: ['check_balance'] });
    const revoke = await d.post('/agent/revoke', { agent_id: pending.body.agent_id }, await d.hostJwt(pending.host));
    expect(revoke.status).toBe(403);
    expect(errorCode(revoke)).toBe('host_pending');
  });

  it('an unknown host cannot use non-registration endpoints', async () => {
    const stranger = await generateEd25519KeyPair();
    await rejected(await d.hostJwt(stranger));
  });
});
