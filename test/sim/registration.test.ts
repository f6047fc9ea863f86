import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../src/jose/index.ts';
import { RegisterResponseSchema } from '../../src/protocol/index.ts';
import { SimDriver, errorCode } from './helpers.ts';

describe('registration (§5.3)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-8.10-03 AAP-5.3-22: an unknown host starts pending and its delegated agent waits behind device authorization', async () => {
    const answer = await d.register({ capabilities: ['check_balance'] });
    expect(answer.status).toBe(200);
    const body = RegisterResponseSchema.parse(answer.body);
    expect(body.status).toBe('pending');
    expect(body.agent_capability_grants).toEqual([{ capability: 'check_balance', status: 'pending' }]);
    expect(body.approval).toMatchObject({ method: 'device_authorization', expires_in: 300, interval: 5 });
    const status = await d.status({ host: answer.host, agentId: body.agent_id });
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('pending');
  });

  it('AAP-7.2: chooses CIBA when preferred and a login hint is given', async () => {
    const answer = await d.register({
      capabilities: ['check_balance'],
      preferred_method: 'ciba',
      login_hint: 'alice@example.com',
      binding_message: 'hi',
    });
    expect(answer.body.approval).toEqual({ method: 'ciba', expires_in: 300, interval: 5, binding_message: 'hi' });
  });

  it('AAP-1.5-01: approving a delegated registration links the host, later delegated agents auto-approve within defaults', async () => {
    const first = await d.activeAgent({ capabilities: ['check_balance'] });
    const status = await d.status(first);
    expect(status.body).toMatchObject({ status: 'active', user_id: 'usr_simulated_user' });
    const second = await d.register({ capabilities: ['check_balance', 'list_accounts'] }, { host: first.host });
    expect(second.body.status).toBe('active');
    expect(second.body.agent_capability_grants.map((g: any) => g.status)).toEqual(['active', 'active']);
    expect(second.body.approval).toBeUndefined();
    expect(second.body.agent_capability_grants[0]).toMatchObject({
      description: expect.any(String),
      input: expect.any(Object),
    });
  });

  it('a linked host gets CIBA without a login hint; non-default capabilities stay pending', async () => {
    const first = await d.activeAgent();
    const second = await d.register(
      { capabilities: ['check_balance', 'transfer_money'], preferred_method: 'ciba' },
      { host: first.host },
    );
    expect(second.body.status).toBe('active');
    expect(second.body.agent_capability_grants.map((g: any) => [g.capability, g.status])).toEqual([
      ['check_balance', 'active'],
      ['transfer_money', 'pending'],
    ]);
    expect(second.body.approval.method).toBe('ciba');
  });

  it('AAP-2.11-03: agents of a pending host stay pending, even autonomous ones', async () => {
    const answer = await d.register({ mode: 'autonomous', capabilities: ['check_balance'] });
    expect(answer.body.status).toBe('pending');
  });

  it('AAP-2.2.2: autonomous agents under an active host are auto-approved for defaults, others pending', async () => {
    const first = await d.activeAgent({ mode: 'autonomous' });
    const status = await d.status(first);
    expect(status.body).toMatchObject({ status: 'active', mode: 'autonomous' });
    expect(status.body.user_id).toBeUndefined();
    const second = await d.register(
      { mode: 'autonomous', capabilities: ['list_accounts', 'generate_report'] },
      { host: first.host },
    );
    expect(second.body.agent_capability_grants.map((g: any) => g.status)).toEqual(['active', 'pending']);
  });

  it('AAP-5.3-23 AAP-5.3-24 AAP-5.3-29: partial approval: approve some capabilities, the others are denied', async () => {
    const answer = await d.register({ capabilities: ['check_balance', 'transfer_international'] });
    await d.control('approve', { agent_id: answer.body.agent_id, capabilities: ['check_balance'] });
    const status = await d.status({ host: answer.host, agentId: answer.body.agent_id });
    expect(status.body.status).toBe('active');
    expect(status.body.agent_capability_grants).toEqual([
      expect.objectContaining({ capability: 'check_balance', status: 'active' }),
      {
        capability: 'transfer_international',
        status: 'denied',
        reason: expect.any(String),
        denied_by: expect.any(String),
      },
    ]);
  });

  it('AAP-7.1-04 AAP-2.3-STATE.rejected: denying the whole registration rejects the agent', async () => {
    const answer = await d.register({ capabilities: ['check_balance'] });
    expect((await d.control('deny', { agent_id: answer.body.agent_id })).status).toBe(200);
    expect((await d.status({ host: answer.host, agentId: answer.body.agent_id })).body.status).toBe('rejected');
  });

  it('AAP-5.3-12: retrying a pending registration returns the same agent and a refreshed approval', async () => {
    const host = await generateEd25519KeyPair();
    const agent = await generateEd25519KeyPair();
    const first = await d.register({ capabilities: ['check_balance'] }, { host, agent });
    const second = await d.register({ capabilities: ['check_balance'] }, { host, agent });
    expect(second.status).toBe(200);
    expect(second.body.agent_id).toBe(first.body.agent_id);
    expect(second.body.approval.user_code).toBe(first.body.approval.user_code);
  });

  it('AAP-5.3-13 AAP-5.13-ERR.register.agent_exists: re-registering an active agent key answers 409', async () => {
    const a = await d.activeAgent();
    const again = await d.register({}, { host: a.host, agent: a.agent });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('agent_exists');
  });

  it('AAP-5.13-ERR.register.invalid_capabilities: lists the unknown names', async () => {
    const answer = await d.register({ capabilities: ['check_balance', 'nope', { name: 'also_not' }] });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_capabilities', invalid_capabilities: ['nope', 'also_not'] });
  });

  it('AAP-2.13-10 AAP-2.13-11 AAP-5.13-ERR.unknown_constraint_operator: unknown operators are rejected with the list', async () => {
    const answer = await d.register({
      capabilities: [{ name: 'transfer_money', constraints: { amount: { max: 5, between: [1, 2] } } }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'unknown_constraint_operator', unknown_operators: ['between'] });
  });

  it('rejects constraints on fields the capability does not take', async () => {
    const answer = await d.register({ capabilities: [{ name: 'transfer_money', constraints: { colour: 'red' } }] });
    expect(errorCode(answer)).toBe('invalid_request');
  });

  it('AAP-2.2.2-02 AAP-5.13-ERR.register.unsupported_mode: unknown or unoffered modes', async () => {
    expect(errorCode(await d.register({ mode: 'supervised' }))).toBe('unsupported_mode');
    const only = await SimDriver.start({ modes: ['delegated'] });
    try {
      const answer = await only.register({ mode: 'autonomous' });
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('unsupported_mode');
    } finally {
      await only.stop();
    }
  });

  it('AAP-5.3-03 AAP-4.5.1-STEP9: registration without agent key claims is invalid_request', async () => {
    const host = await generateEd25519KeyPair();
    const answer = await d.post('/agent/register', { name: 'x' }, await d.hostJwt(host));
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('invalid_request');
  });

  it('AAP-5.13-ERR.register.unsupported_algorithm: a non-Ed25519 agent key', async () => {
    const host = await generateEd25519KeyPair();
    const token = await d.hostJwt(host, {
      extraClaims: { agent_public_key: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } },
    });
    const answer = await d.post('/agent/register', { name: 'x' }, token);
    expect(errorCode(answer)).toBe('unsupported_algorithm');
  });

  it('malformed bodies are invalid_request', async () => {
    const host = await generateEd25519KeyPair();
    const agent = await generateEd25519KeyPair();
    const token = () => d.hostJwt(host, { agentPublicKey: agent.publicJwk });
    expect(errorCode(await d.post('/agent/register', { capabilities: [] }, await token()))).toBe('invalid_request');
    expect(errorCode(await d.post('/agent/register', '{"name":', await token()))).toBe('invalid_request');
    expect(errorCode(await d.post('/agent/register', [1, 2], await token()))).toBe('invalid_request');
    const wrongType = await d.request('POST', '/agent/register', {
      token: await token(),
      body: JSON.stringify({ name: 'x' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(errorCode(wrongType)).toBe('invalid_request');
  });

  it('AAP-2.13-02 AAP-2.13-03 AAP-5.3-17: server policy narrows constraints (amount capped at 10000) and never widens them', async () => {
    const a = await d.activeAgent({});
    await d.control('set-host-defaults', { host_id: a.hostId, capabilities: ['transfer_money'] });
    const wide = await d.register(
      {
        capabilities: [{ name: 'transfer_money', constraints: { amount: { max: 50_000 }, currency: { in: ['USD'] } } }],
      },
      { host: a.host },
    );
    expect(wide.body.agent_capability_grants[0]).toMatchObject({
      status: 'active',
      constraints: { amount: { max: 10_000 }, currency: { in: ['USD'] } },
    });
    const narrow = await d.register(
      { capabilities: [{ name: 'transfer_money', constraints: { amount: { max: 500 } } }] },
      { host: a.host },
    );
    expect(narrow.body.agent_capability_grants[0].constraints).toEqual({ amount: { max: 500 } });
    const none = await d.register({ capabilities: ['transfer_money'] }, { host: a.host });
    expect(none.body.agent_capability_grants[0].constraints).toEqual({ amount: { max: 10_000 } });
  });

  it('AAP-8.10-09: transfer_international always needs approval, even as a host default', async () => {
    const a = await d.activeAgent({});
    await d.control('set-host-defaults', { host_id: a.hostId, capabilities: ['transfer_international'] });
    const answer = await d.register({ capabilities: ['transfer_international'] }, { host: a.host });
    expect(answer.body.agent_capability_grants[0].status).toBe('pending');
  });
});

describe('a per-user agent cap, as deployments have (maxActiveAgentsPerUser)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start({ maxActiveAgentsPerUser: 2 });
  });
  afterAll(() => d.stop());

  it('refuses a registration past the cap with agent_limit_reached, and takes one again once an agent is revoked', async () => {
    const first = await d.activeAgent();
    await d.activeAgent({}, { host: first.host });
    const third = await d.register({ capabilities: ['check_balance'] }, { host: first.host });
    expect([third.status, errorCode(third)]).toEqual([400, 'agent_limit_reached']);
    const revoked = await d.post('/agent/revoke', { agent_id: first.agentId }, await d.hostJwt(first.host));
    expect(revoked.status).toBe(200);
    const again = await d.register({ capabilities: ['check_balance'] }, { host: first.host });
    expect(again.status).toBe(200);
  });
});
