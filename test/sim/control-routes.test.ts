import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema } from '../../src/protocol/index.ts';
import { SimDriver, errorCode } from './helpers.ts';

describe('operator control API agent-auth-control/1', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('GET announces the contract and its operations', async () => {
    const answer = await d.get(d.sim.controlUrl);
    expect(answer.status).toBe(200);
    expect(answer.body.contract).toBe('agent-auth-control/1');
    expect(answer.body.supports).toEqual(
      expect.arrayContaining([
        'approve',
        'deny',
        'link-host',
        'unlink-host',
        'set-host-defaults',
        'expire-agent',
        'advance-clock',
        'restore-clock',
        'revoke-host',
        'create-user',
        'delete-user',
        'remove-capability',
        'restore-capability',
        'reset',
      ]),
    );
  });

  it('answers 400 for bad bodies, 404 for unknown ids, 501 for unknown operations, all in the §5.13 shape', async () => {
    const bad = await d.control('approve', { agent_id: 5 });
    expect(bad.status).toBe(400);
    ErrorResponseSchema.parse(bad.body);
    expect((await d.control('approve', { agent_id: 'agt_nope' })).status).toBe(404);
    expect((await d.control('link-host', { host_id: 'hst_nope' })).status).toBe(404);
    expect((await d.control('delete-user', { user_id: 'usr_nope' })).status).toBe(404);
    expect((await d.control('remove-capability', { name: 'nope' })).status).toBe(404);
    const unsupported = await d.control('teleport', {});
    expect(unsupported.status).toBe(501);
    ErrorResponseSchema.parse(unsupported.body);
    expect((await d.control('advance-clock', { seconds: -5 })).status).toBe(400);
    expect(
      (
        await d.request('POST', `${d.sim.controlUrl}/reset`, {
          body: 'not json',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
  });

  it('create-user issues user ids, and only issued ids name users', async () => {
    const created = await d.control('create-user', {});
    expect(created.status).toBe(200);
    const userId = created.body.user_id as string;
    expect(userId).toMatch(/^usr_/);
    expect((await d.control('create-user', {})).body.user_id).not.toBe(userId);
    const registered = await d.register({ capabilities: ['check_balance'] });
    const hostId = registered.body.host_id as string;
    expect((await d.control('link-host', { host_id: hostId, user_id: 'usr_made_up' })).status).toBe(404);
    expect((await d.control('link-host', { host_id: hostId, user_id: userId })).body).toMatchObject({
      user_id: userId,
    });
    expect((await d.control('delete-user', { user_id: userId })).status).toBe(200);
  });

  it('approve by user code', async () => {
    const answer = await d.register({ capabilities: ['check_balance'] });
    const approved = await d.control('approve', { user_code: answer.body.approval.user_code });
    expect(approved.body).toMatchObject({
      ok: true,
      agent_id: answer.body.agent_id,
      status: 'active',
      host_status: 'active',
    });
    expect((await d.control('approve', { agent_id: answer.body.agent_id })).status).toBe(409);
  });

  it('approve with an empty capability list leaves an active agent with every grant denied', async () => {
    const answer = await d.register({ capabilities: ['check_balance', 'list_accounts'] });
    await d.control('approve', { agent_id: answer.body.agent_id, capabilities: [] });
    const status = await d.status({ host: answer.host, agentId: answer.body.agent_id });
    expect(status.body.status).toBe('active');
    expect(status.body.agent_capability_grants.map((g: any) => g.status)).toEqual(['denied', 'denied']);
  });

  it("AAP-2.10-01 AAP-2.10-STEP1 AAP-2.10-STEP2 AAP-2.9-01: link-host claims the host's active autonomous agents", async () => {
    const a = await d.activeAgent({ mode: 'autonomous' });
    const bob = (await d.control('create-user', {})).body.user_id;
    const linked = await d.control('link-host', { host_id: a.hostId, user_id: bob });
    expect(linked.body).toMatchObject({ ok: true, user_id: bob });
    const status = await d.status(a);
    expect(status.body).toMatchObject({ status: 'claimed', agent_capability_grants: [] });
    const carol = (await d.control('create-user', {})).body.user_id;
    expect((await d.control('link-host', { host_id: a.hostId, user_id: carol })).status).toBe(409);
    const reactivate = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect(errorCode(reactivate)).toBe('agent_claimed');
  });

  it('AAP-2.9-03: unlink-host revokes delegated agents', async () => {
    const a = await d.activeAgent();
    const unlinked = await d.control('unlink-host', { host_id: a.hostId });
    expect(unlinked.body.agents_revoked).toBe(1);
    expect((await d.status(a)).body.status).toBe('revoked');
  });

  it('AAP-8.8.1-STEP1: revoke-host revokes out of band with the cascade', async () => {
    const a = await d.activeAgent();
    const answer = await d.control('revoke-host', { host_id: a.hostId });
    expect(answer.body).toMatchObject({ host_status: 'revoked', agents_revoked: 1 });
    expect(errorCode(await d.execute(a, 'check_balance', { account_id: 'x' }))).toBe('host_revoked');
  });

  it("AAP-2.6-01 AAP-2.6-02: delete-user revokes the user's hosts and their agents", async () => {
    const b = await d.activeAgent();
    await d.control('unlink-host', { host_id: b.hostId });
    const dave = (await d.control('create-user', {})).body.user_id;
    await d.control('link-host', { host_id: b.hostId, user_id: dave });
    const c = await d.activeAgent({}, { host: b.host });
    const answer = await d.control('delete-user', { user_id: dave });
    expect(answer.body).toMatchObject({ hosts_revoked: 1, agents_revoked: 1 });
    expect(errorCode(await d.execute(c, 'check_balance', { account_id: 'x' }))).toBe('host_revoked');
  });

  it('expire-agent and advance-clock move the lifetime clocks', async () => {
    const a = await d.activeAgent();
    await d.control('expire-agent', { agent_id: a.agentId, clock: 'max' });
    expect((await d.status(a)).body.status).toBe('expired');
    const before = d.now();
    const advanced = await d.control('advance-clock', { seconds: 10 });
    expect(advanced.body.now).toBeGreaterThanOrEqual(before + 10);
  });

  it('reset forgets everything', async () => {
    const other = await SimDriver.start();
    try {
      const a = await other.activeAgent();
      await other.control('remove-capability', { name: 'list_accounts' });
      await other.control('advance-clock', { seconds: 1000 });
      expect((await other.control('reset')).status).toBe(200);
      expect(other.sim.clock.offsetSeconds()).toBe(0);
      expect((await other.status(a)).status).toBe(401);
      expect((await other.get('/capability/describe?name=list_accounts')).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe('recorder, rate limiting and malformed input', () => {
  it('records every exchange with request and response bodies', async () => {
    const d = await SimDriver.start();
    try {
      await d.get('/.well-known/agent-configuration');
      await d.post('/agent/introspect', { token: 'x' });
      const log = d.sim.recorder.entries();
      expect(log[0]).toMatchObject({
        seq: 1,
        method: 'GET',
        path: '/.well-known/agent-configuration',
        status: 200,
        channel: 'protocol',
      });
      expect(log[1]).toMatchObject({
        method: 'POST',
        path: '/agent/introspect',
        body: '{"token":"x"}',
        responseBody: '{"active":false}',
      });
      expect(log[1]!.headers['content-type']).toBe('application/json');
    } finally {
      await d.stop();
    }
  });

  it('AAP-8.13-01 AAP-8.13-ERR.rate_limited AAP-8.13-HDR.Retry-After: rate limits per identity with 429 rate_limited and Retry-After', async () => {
    const d = await SimDriver.start({ rateLimit: { limit: 3, windowSeconds: 60 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await d.get('/capability/list')).status).toBe(200);
      const limited = await d.get('/capability/list');
      expect(limited.status).toBe(429);
      expect(errorCode(limited)).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // control stays reachable, and the window passes with the clock
      expect((await d.control('advance-clock', { seconds: 61 })).status).toBe(200);
      expect((await d.get('/capability/list')).status).toBe(200);
    } finally {
      await d.stop();
    }
  });

  it('answers unknown paths 404, wrong methods 405 and oversize bodies 413, all in the §5.13 shape', async () => {
    const d = await SimDriver.start();
    try {
      const missing = await d.get('/nowhere');
      expect(missing.status).toBe(404);
      ErrorResponseSchema.parse(missing.body);
      const wrongMethod = await d.request('PUT', '/agent/register', { body: {} });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      ErrorResponseSchema.parse(wrongMethod.body);
      const huge = await d.post('/agent/introspect', { token: 'x'.repeat(70 * 1024) });
      expect(huge.status).toBe(413);
      ErrorResponseSchema.parse(huge.body);
    } finally {
      await d.stop();
    }
  });
});

describe('simulated network distance', () => {
  it('answers no sooner than the configured latency', async () => {
    const distant = await SimDriver.start({ latencyMs: 120 });
    try {
      const started = performance.now();
      expect((await distant.get(distant.sim.controlUrl)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      await distant.stop();
    }
  });
});

describe('restore-clock (control contract §5.13)', () => {
  it('puts an advanced clock back on real time', async () => {
    const d = await SimDriver.start();
    try {
      const before = d.now();
      const advanced = await d.control('advance-clock', { seconds: 3600 });
      expect(advanced.body.now).toBeGreaterThanOrEqual(before + 3600);
      const restored = await d.control('restore-clock', {});
      expect(restored.status).toBe(200);
      expect(Math.abs(restored.body.now - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(1);
      expect(d.sim.clock.offsetSeconds()).toBe(0);
    } finally {
      await d.stop();
    }
  });
});

describe('the recorder stays small', () => {
  it('keeps the latest exchanges with bodies cut', async () => {
    const { MAX_RECORDED_BODY_CHARS, MAX_RECORDED_EXCHANGES, Recorder } = await import('../../src/sim/recorder.ts');
    const recorder = new Recorder();
    const entry = {
      time: 0,
      channel: 'protocol' as const,
      method: 'POST',
      path: '/x',
      headers: {},
      body: 'x'.repeat(MAX_RECORDED_BODY_CHARS + 100),
      status: 200,
      responseHeaders: {},
      responseBody: '',
    };
    for (let i = 0; i < MAX_RECORDED_EXCHANGES + 10; i += 1) recorder.add(entry);
    const entries = recorder.entries();
    expect(entries).toHaveLength(MAX_RECORDED_EXCHANGES);
    expect(entries[0]?.seq).toBe(11);
    expect(entries[0]?.body).toMatch(/…\[cut: 100 more characters\]$/);
  });

  it('is cleared by reset', async () => {
    const d = await SimDriver.start();
    try {
      await d.post('/agent/introspect', { token: 'x' });
      await d.control('reset', {});
      expect(d.sim.recorder.entries().filter((entry) => entry.channel === 'protocol')).toEqual([]);
    } finally {
      await d.stop();
    }
  });
});
