import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecuteAsyncCompletedSchema,
  ExecuteAsyncFailedSchema,
  ExecuteAsyncPendingSchema,
  ExecuteSyncResponseSchema,
  IntrospectActiveResponseSchema,
} from '../../src/protocol/index.ts';
import { SimDriver, errorCode, type RegisteredAgent } from './helpers.ts';

const TRANSFER = { amount: 100, currency: 'USD', destination_account: 'acc_456' };

describe('execute (§5.11)', () => {
  let d: SimDriver;
  let a: RegisteredAgent;
  beforeAll(async () => {
    d = await SimDriver.start();
    a = await d.activeAgent({
      capabilities: [
        'check_balance',
        'list_accounts',
        'generate_report',
        'stream_transactions',
        {
          name: 'transfer_money',
          constraints: {
            amount: { min: 1, max: 1000 },
            currency: { in: ['USD', 'EUR'] },
            destination_account: 'acc_456',
          },
        },
      ],
    });
  });
  afterAll(() => d.stop());

  it('AAP-5.11-SHAPE.sync_success.includes AAP-5.11-SHAPE.sync_success.excludes: sync answers carry data only', async () => {
    const answer = await d.execute(a, 'check_balance', { account_id: 'acc_1' });
    expect(answer.status).toBe(200);
    expect(ExecuteSyncResponseSchema.parse(answer.body).data).toMatchObject({ account_id: 'acc_1' });
    expect(answer.body.status).toBeUndefined();
  });

  it('AAP-5.11-01: accepts the default location (and the issuer) as audience at the execute endpoint, no other audience', async () => {
    expect((await d.execute(a, 'list_accounts', undefined, { aud: d.issuer })).status).toBe(200);
    const other = await d.execute(a, 'list_accounts', undefined, {
      aud: 'https://elsewhere.example/capability/execute',
    });
    expect(other.status).toBe(401);
    expect(errorCode(other)).toBe('invalid_jwt');
  });

  it('AAP-5.11-03 AAP-5.11-06 AAP-5.11-07: async executes answer 202 and are polled with fresh agent JWTs of the same agent', async () => {
    const started = await d.execute(a, 'generate_report', {});
    expect(started.status).toBe(202);
    const pending = ExecuteAsyncPendingSchema.parse(started.body);
    expect(new URL(pending.status_url).origin).toBe(new URL(d.issuer).origin);

    expect((await d.get(pending.status_url)).status).toBe(401);
    const other = await d.activeAgent();
    const foreign = await d.get(pending.status_url, await d.agentJwt(other));
    expect(foreign.status).toBe(403);

    const first = await d.get(pending.status_url, await d.agentJwt(a, { aud: pending.status_url }));
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending');
    const second = await d.get(pending.status_url, await d.agentJwt(a));
    expect(ExecuteAsyncCompletedSchema.parse(second.body).result).toMatchObject({ report_id: expect.any(String) });
  });

  it('AAP-5.11-SHAPE.async_failed.includes: a failing job answers status failed with an error object', async () => {
    const started = await d.execute(a, 'generate_report', { fail: true });
    const url = started.body.status_url;
    await d.get(url, await d.agentJwt(a));
    const done = await d.get(url, await d.agentJwt(a));
    expect(ExecuteAsyncFailedSchema.parse(done.body).error.error).toBe('report_failed');
  });

  it('AAP-5.11-14 AAP-5.11-EVENT.data AAP-5.11-19: streams data events then done', async () => {
    const token = await d.agentJwt(a, { aud: d.executeUrl });
    const response = await fetch(d.executeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ capability: 'stream_transactions' }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(['data', 'data', 'data', 'done']);
  });

  it('AAP-5.11-EVENT.error: a failing stream sends an error event and still ends with done', async () => {
    const answer = await d.execute(a, 'stream_transactions', { fail: true });
    const events = [...answer.text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(['data', 'error', 'done']);
  });

  it('AAP-2.13-OP.max AAP-2.13-OP.min AAP-2.13-OP.in AAP-2.13-07 AAP-5.11-27 AAP-5.11-28: constraint violations answer 403 with violations', async () => {
    expect((await d.execute(a, 'transfer_money', TRANSFER)).status).toBe(200);
    const answer = await d.execute(a, 'transfer_money', {
      amount: 5000,
      currency: 'GBP',
      destination_account: 'acc_999',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('constraint_violated');
    expect(answer.body.violations).toEqual([
      { field: 'amount', constraint: { min: 1, max: 1000 }, actual: 5000 },
      { field: 'currency', constraint: { in: ['USD', 'EUR'] }, actual: 'GBP' },
      { field: 'destination_account', constraint: 'acc_456', actual: 'acc_999' },
    ]);
    expect((await d.execute(a, 'transfer_money', { ...TRANSFER, amount: 0 })).body.error).toBe('constraint_violated');
  });

  it('AAP-4.3-07 AAP-4.5-STEP11: the capabilities claim restricts the token', async () => {
    const answer = await d.execute(a, 'check_balance', { account_id: 'x' }, { capabilities: ['list_accounts'] });
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('capability_not_granted');
    expect((await d.execute(a, 'list_accounts', undefined, { capabilities: ['list_accounts'] })).status).toBe(200);
  });

  it('AAP-5.11-ERR.capability_not_found AAP-5.11-ERR.capability_not_granted', async () => {
    const unknown = await d.execute(a, 'does_not_exist', {});
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('capability_not_found');
    const ungranted = await d.execute(a, 'transfer_international', {
      amount: 1,
      currency: 'USD',
      destination_iban: 'x',
    });
    expect(ungranted.status).toBe(403);
    expect(errorCode(ungranted)).toBe('capability_not_granted');
  });

  it('AAP-5.11-ERR.invalid_request: invalid execute bodies and arguments answer invalid_request', async () => {
    const token = () => d.agentJwt(a, { aud: d.executeUrl });
    expect(errorCode(await d.post('/capability/execute', {}, await token()))).toBe('invalid_request');
    expect(errorCode(await d.post('/capability/execute', { capability: 7 }, await token()))).toBe('invalid_request');
    expect(errorCode(await d.execute(a, 'check_balance', { account_id: 42 }))).toBe('invalid_request');
    expect(errorCode(await d.execute(a, 'check_balance', {}))).toBe('invalid_request');
  });

  it('AAP-2.12-02 AAP-2.12-03 AAP-2.12-04: a removed capability with an existing grant answers 403 capability_not_granted naming the removal', async () => {
    const other = await SimDriver.start();
    try {
      const agent = await other.activeAgent({ capabilities: ['list_accounts'] });
      await other.control('remove-capability', { name: 'list_accounts' });
      const answer = await other.execute(agent, 'list_accounts');
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({
        error: 'capability_not_granted',
        message: expect.stringContaining('removed'),
      });
    } finally {
      await other.stop();
    }
  });
});

describe('introspection (§5.12)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-5.12-01 AAP-5.12-RESP.agent_capability_grants: active tokens introspect with compact grants filtered by the capabilities claim, without using up the jti', async () => {
    const a = await d.activeAgent({ capabilities: ['check_balance', 'list_accounts'] });
    const token = await d.agentJwt(a, { capabilities: ['list_accounts'] });
    const answer = await d.post('/agent/introspect', { token });
    const body = IntrospectActiveResponseSchema.parse(answer.body);
    expect(body).toMatchObject({
      agent_id: a.agentId,
      host_id: a.hostId,
      mode: 'delegated',
      user_id: 'usr_simulated_user',
    });
    expect(body.agent_capability_grants).toEqual([{ capability: 'list_accounts', status: 'active' }]);
    // the same token is still usable
    expect((await d.get('/capability/list', token)).status).toBe(200);
  });

  it('AAP-5.12-RESP.active: any failure is { active: false }', async () => {
    const a = await d.activeAgent();
    const inactive = async (token: string) =>
      expect((await d.post('/agent/introspect', { token })).body).toEqual({ active: false });
    await inactive('garbage');
    await inactive('');
    await inactive(await d.agentJwt(a, { aud: 'https://other.example' }));
    await inactive(await d.agentJwt(a, { variant: 'corrupt-signature' }));
    await inactive(await d.agentJwt(a, { now: d.now() - 3600 }));
    await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
    await inactive(await d.agentJwt(a));
    expect(errorCode(await d.post('/agent/introspect', { tok: 'x' }))).toBe('invalid_request');
  });
});
