import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../src/jose/index.ts';
import {
  ReactivateResponseSchema,
  RequestCapabilityResponseSchema,
  StatusResponseSchema,
} from '../../src/protocol/index.ts';
import { SimDriver, errorCode } from './helpers.ts';

describe('request-capability (§5.4)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-5.4: default capabilities are granted at once, others pend with an approval', async () => {
    const a = await d.activeAgent({ capabilities: ['check_balance'] });
    const answer = await d.post(
      '/agent/request-capability',
      { capabilities: ['list_accounts', 'transfer_money'] },
      await d.agentJwt(a),
    );
    expect(answer.status).toBe(200);
    const body = RequestCapabilityResponseSchema.parse(answer.body);
    expect(body.agent_capability_grants.map((g) => [g.capability, g.status])).toEqual([
      ['list_accounts', 'active'],
      ['transfer_money', 'pending'],
    ]);
    expect(body.approval).toBeDefined();
    await d.control('approve', { agent_id: a.agentId });
    const status = await d.status(a);
    expect(status.body.agent_capability_grants.map((g: any) => g.status)).toEqual(['active', 'active', 'active']);
  });

  it('AAP-5.13-ERR.request-capability.already_granted: 409 when everything is already granted', async () => {
    const a = await d.activeAgent({ capabilities: ['check_balance'] });
    const answer = await d.post('/agent/request-capability', { capabilities: ['check_balance'] }, await d.agentJwt(a));
    expect(answer.status).toBe(409);
    expect(errorCode(answer)).toBe('already_granted');
  });

  it('AAP-5.13-ERR.request-capability.invalid_capabilities: rejects unknown capabilities and host tokens', async () => {
    const a = await d.activeAgent();
    const unknown = await d.post('/agent/request-capability', { capabilities: ['nope'] }, await d.agentJwt(a));
    expect(unknown.body).toMatchObject({ error: 'invalid_capabilities', invalid_capabilities: ['nope'] });
    const host = await d.post(
      '/agent/request-capability',
      { capabilities: ['list_accounts'] },
      await d.hostJwt(a.host),
    );
    expect(host.status).toBe(401);
  });

  it('denying a requested capability stores the reason', async () => {
    const a = await d.activeAgent();
    await d.post('/agent/request-capability', { capabilities: ['transfer_international'] }, await d.agentJwt(a));
    await d.control('deny', { agent_id: a.agentId, capabilities: ['transfer_international'], reason: 'needs KYC' });
    const status = await d.status(a);
    expect(status.body.agent_capability_grants).toContainEqual(
      expect.objectContaining({ capability: 'transfer_international', status: 'denied', reason: 'needs KYC' }),
    );
    expect(status.body.status).toBe('active');
  });
});

describe('status, revoke, key rotation (§5.5, §5.7, §5.8, §5.9, §5.10)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-5.5-01 AAP-5.5-03 AAP-5.5-05: status answers the full agent view', async () => {
    const a = await d.activeAgent();
    const answer = await d.status(a);
    const view = StatusResponseSchema.parse(answer.body);
    expect(view).toMatchObject({ agent_id: a.agentId, host_id: a.hostId, status: 'active', mode: 'delegated' });
    expect(view.agent_capability_grants[0]).toMatchObject({ granted_by: 'usr_simulated_user' });
  });

  it('AAP-5.5-02: status refuses agents of another host; unknown agents are 404', async () => {
    const a = await d.activeAgent();
    const b = await d.activeAgent();
    const foreign = await d.status({ host: b.host, agentId: a.agentId });
    expect(foreign.status).toBe(403);
    expect(errorCode(foreign)).toBe('unauthorized');
    const missing = await d.status({ host: a.host, agentId: 'agt_missing' });
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('agent_not_found');
    expect(errorCode(await d.get('/agent/status', await d.hostJwt(a.host)))).toBe('invalid_request');
  });

  it('AAP-5.7-01 AAP-5.11-ERR.agent_revoked: revoke makes the agent revoked and its tokens fail with agent_revoked', async () => {
    const a = await d.activeAgent();
    const answer = await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect(answer.body).toEqual({ agent_id: a.agentId, status: 'revoked' });
    const exec = await d.execute(a, 'check_balance', { account_id: 'acc_1' });
    expect(exec.status).toBe(403);
    expect(errorCode(exec)).toBe('agent_revoked');
    expect(errorCode(await d.post('/agent/revoke', { agent_id: 'agt_nope' }, await d.hostJwt(a.host)))).toBe(
      'agent_not_found',
    );
  });

  it('AAP-5.8-01 AAP-5.8-02: agent key rotation stops the old key at once', async () => {
    const a = await d.activeAgent();
    const fresh = await generateEd25519KeyPair();
    const answer = await d.post(
      '/agent/rotate-key',
      { agent_id: a.agentId, public_key: fresh.publicJwk },
      await d.hostJwt(a.host),
    );
    expect(answer.body).toEqual({ agent_id: a.agentId, status: 'active' });
    expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(401);
    expect((await d.execute({ ...a, agent: fresh }, 'check_balance', { account_id: 'x' })).status).toBe(200);
    const rsa = await d.post(
      '/agent/rotate-key',
      { agent_id: a.agentId, public_key: { kty: 'RSA', n: 'x', e: 'AQAB' } },
      await d.hostJwt(a.host),
    );
    expect(errorCode(rsa)).toBe('unsupported_algorithm');
  });

  it('AAP-5.9-01 AAP-5.9-02 AAP-5.9-03: inline host key rotation makes the new thumbprint the identifier; the old key stops', async () => {
    const a = await d.activeAgent();
    const fresh = await generateEd25519KeyPair();
    const answer = await d.post('/host/rotate-key', { public_key: fresh.publicJwk }, await d.hostJwt(a.host));
    expect(answer.body).toEqual({ host_id: a.hostId, status: 'active' });
    expect((await d.status(a)).status).toBe(401);
    const viaNew = await d.status({ host: fresh, agentId: a.agentId });
    expect(viaNew.status).toBe(200);
    // Agent tokens now name the new host identifier.
    expect((await d.execute({ ...a, host: fresh }, 'check_balance', { account_id: 'x' })).status).toBe(200);
    expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(401);
  });

  it('AAP-5.10-01 AAP-5.10-02 AAP-8.5-01: host revocation cascades to its agents', async () => {
    const a = await d.activeAgent();
    const b = await d.activeAgent({}, { host: a.host });
    const answer = await d.post('/host/revoke', {}, await d.hostJwt(a.host));
    expect(answer.body).toEqual({ host_id: a.hostId, status: 'revoked', agents_revoked: 2 });
    expect(errorCode(await d.execute(b, 'check_balance', { account_id: 'x' }))).toBe('host_revoked');
    expect(errorCode(await d.status(a))).toBe('host_revoked');
    // host revoke without a body and with an unknown host
    const stranger = await generateEd25519KeyPair();
    const unknown = await d.post('/host/revoke', undefined, await d.hostJwt(stranger));
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('host_not_found');
  });
});

describe('lifetime clocks and reactivation (§2.4, §2.5, §5.6)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start({ sessionTtlSeconds: 600, maxLifetimeSeconds: 3600, absoluteLifetimeSeconds: 86_400 });
  });
  afterAll(() => d.stop());

  it('AAP-2.3-STATE.active AAP-2.3-STATE.expired: the session TTL expires an idle agent; requests extend it', async () => {
    const a = await d.activeAgent();
    d.sim.clock.advance(500);
    expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    d.sim.clock.advance(500);
    expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    d.sim.clock.advance(601);
    const answer = await d.execute(a, 'check_balance', { account_id: 'x' });
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('agent_expired');
    expect((await d.status(a)).body.status).toBe('expired');
  });

  it('AAP-2.3-STATE.expired: max lifetime expires even a busy agent', async () => {
    const a = await d.activeAgent();
    for (let i = 0; i < 7; i += 1) {
      d.sim.clock.advance(550);
      await d.execute(a, 'check_balance', { account_id: 'x' });
    }
    expect((await d.status(a)).body.status).toBe('expired');
  });

  it('AAP-5.6-STEP3 AAP-5.6-STEP4 AAP-5.6-STEP5 AAP-2.5-02: reactivation decays grants to host defaults and resets the clocks', async () => {
    const a = await d.activeAgent({ capabilities: ['check_balance', 'transfer_money'] });
    await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
    expect((await d.status(a)).body.status).toBe('expired');
    const answer = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect(answer.status).toBe(200);
    const body = ReactivateResponseSchema.parse(answer.body);
    expect(body.status).toBe('active');
    expect(body.agent_capability_grants.map((g) => g.capability).sort()).toEqual(['check_balance', 'list_accounts']);
    expect(
      (await d.execute(a, 'transfer_money', { amount: 1, currency: 'USD', destination_account: 'x' })).status,
    ).toBe(403);
    expect((await d.execute(a, 'list_accounts')).status).toBe(200);
  });

  it('AAP-5.6-STEP1: per-state answers', async () => {
    const a = await d.activeAgent();
    const active = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect(active.status).toBe(200);
    expect(active.body.status).toBe('active');

    const pending = await d.register({ capabilities: ['check_balance'] }, { host: a.host });
    await d.control('set-host-defaults', { host_id: a.hostId, capabilities: ['check_balance'] });
    const p = await d.register({ capabilities: ['transfer_money'] }, { host: a.host });
    expect(p.body.status).toBe('pending');
    expect(errorCode(await d.post('/agent/reactivate', { agent_id: p.body.agent_id }, await d.hostJwt(a.host)))).toBe(
      'agent_pending',
    );
    expect(pending.body.status).toBe('active');

    const r = await d.activeAgent({}, { host: a.host });
    await d.post('/agent/revoke', { agent_id: r.agentId }, await d.hostJwt(a.host));
    expect(errorCode(await d.post('/agent/reactivate', { agent_id: r.agentId }, await d.hostJwt(a.host)))).toBe(
      'agent_revoked',
    );

    const j = await d.register({ capabilities: ['transfer_money'] }, { host: a.host });
    await d.control('deny', { agent_id: j.body.agent_id });
    expect(errorCode(await d.post('/agent/reactivate', { agent_id: j.body.agent_id }, await d.hostJwt(a.host)))).toBe(
      'agent_rejected',
    );

    expect(errorCode(await d.post('/agent/reactivate', { agent_id: 'agt_nope' }, await d.hostJwt(a.host)))).toBe(
      'agent_not_found',
    );
  });

  it('AAP-5.6-STEP2 AAP-5.6-02 AAP-2.5-03: past the absolute lifetime reactivation revokes and answers absolute_lifetime_exceeded', async () => {
    const a = await d.activeAgent();
    const created = (await d.status(a)).body.created_at;
    await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
    await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect((await d.status(a)).body.created_at).toBe(created);
    await d.control('expire-agent', { agent_id: a.agentId, clock: 'absolute' });
    const answer = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('absolute_lifetime_exceeded');
    expect((await d.status(a)).body.status).toBe('revoked');
  });

  it('AAP-5.6-STEP6 AAP-5.6-RESP.approval: reactivation needing approval answers pending with an approval object', async () => {
    const a = await d.activeAgent({ mode: 'autonomous' });
    await d.control('set-host-defaults', { host_id: a.hostId, capabilities: ['transfer_international'] });
    await d.control('expire-agent', { agent_id: a.agentId, clock: 'max' });
    const answer = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
    const body = ReactivateResponseSchema.parse(answer.body);
    expect(body.status).toBe('pending');
    expect(body.approval).toBeDefined();
    await d.control('approve', { agent_id: a.agentId });
    expect((await d.status(a)).body.status).toBe('active');
  });
});
