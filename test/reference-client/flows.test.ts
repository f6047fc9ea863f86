import { jwtVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint, type Ed25519KeyPair } from '../../src/jose/index.ts';
import { SimDriver } from '../sim/helpers.ts';
import { ClientProcess, mark, removeDir, seededStateDir, signedBy, wire } from './helpers.ts';

/**
 * The reference client over real MCP stdio against the in-process simulator, through a whole
 * agent life: connect, execute (sync, async, stream), escalate, status, sign, disconnect.
 */
describe('reference client: connect → execute → escalate → status → disconnect', () => {
  let sim: SimDriver;
  let client: ClientProcess;
  let host: Ed25519KeyPair;
  let stateDir: string;
  let since: number;
  let agentId: string;

  beforeAll(async () => {
    sim = await SimDriver.start();
    const seeded = await seededStateDir(sim);
    host = seeded.host;
    stateDir = seeded.dir;
    since = mark(sim);
    client = await ClientProcess.start({ providers: [sim.issuer], stateDir });
  });

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    if (stateDir !== undefined) await removeDir(stateDir);
  });

  it('exposes the §6 tools', async () => {
    const { tools } = await client.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'agent_status',
        'connect_agent',
        'describe_capability',
        'disconnect_agent',
        'discover_provider',
        'execute_capability',
        'list_capabilities',
        'list_providers',
        'reactivate_agent',
        'request_capability',
        'sign_jwt',
      ].sort(),
    );
  });

  it('answers invalid arguments with a JSON error', async () => {
    const result = await client.call('execute_capability', { capability: 'check_balance' });
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'invalid_request' });
    expect(result.json.message).toContain('agent_id');
  });

  it('lists and discovers providers', async () => {
    const providers = await client.call('list_providers');
    expect(providers.ok).toBe(true);
    expect(providers.json).toEqual([expect.objectContaining({ name: 'agent-auth-simulator', issuer: sim.issuer })]);
    expect(providers.structured).toEqual({ providers: providers.json });
    const discovered = await client.call('discover_provider', { url: sim.issuer });
    expect(discovered.json).toMatchObject({ name: 'agent-auth-simulator', issuer: sim.issuer, version: '1.0-draft' });
  });

  it('lists and describes capabilities with a host JWT', async () => {
    const listed = await client.call('list_capabilities', { query: 'transfer' });
    expect(listed.ok).toBe(true);
    expect(listed.json.capabilities.map((c: any) => c.name)).toContain('transfer_money');
    const described = await client.call('describe_capability', { name: 'check_balance' });
    expect(described.json.input.properties.account_id).toBeDefined();
    const unknown = await client.call('describe_capability', { name: 'no_such_cap' });
    expect(unknown.ok).toBe(false);
    expect(unknown.json).toMatchObject({ error: 'capability_not_found' });
    const requests = wire(sim, since, signedBy(host, '/capability/list'));
    expect(requests[0]?.header?.typ).toBe('host+jwt');
    expect(new URL(requests[0]!.exchange.path, sim.issuer).searchParams.get('query')).toBe('transfer');
  });

  it('connects an agent: a new key, every field forwarded, a well-formed host JWT', async () => {
    const capabilities = [
      'check_balance',
      'generate_report',
      'stream_transactions',
      { name: 'transfer_money', constraints: { amount: { max: 100 }, currency: { in: ['USD'] } } },
    ];
    const before = mark(sim);
    const connected = await client.call('connect_agent', {
      provider: sim.issuer,
      name: 'Ledger helper',
      capabilities,
      mode: 'delegated',
      reason: 'Monthly bookkeeping',
      preferred_method: 'device_authorization',
      login_hint: 'alice@example.test',
      binding_message: 'Approve Ledger helper',
    });
    expect(connected.ok, JSON.stringify(connected.json)).toBe(true);
    expect(connected.json).toMatchObject({
      status: 'active',
      name: 'Ledger helper',
      mode: 'delegated',
      issuer: sim.issuer,
    });
    agentId = connected.json.agent_id;
    const granted = connected.json.agent_capability_grants
      .filter((g: any) => g.status === 'active')
      .map((g: any) => g.capability);
    expect(granted.sort()).toEqual(['check_balance', 'generate_report', 'stream_transactions', 'transfer_money']);
    expect(JSON.stringify(connected.json)).not.toMatch(/"d"\s*:/);

    const [register] = wire(sim, before, signedBy(host, '/agent/register'));
    expect(register?.header).toMatchObject({ typ: 'host+jwt', alg: 'EdDSA' });
    const claims = register!.claims!;
    expect(claims.iss).toBe(await jwkThumbprint(claims.host_public_key as any));
    expect(claims.aud).toBe(sim.issuer);
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(60);
    expect(typeof claims.jti).toBe('string');
    expect(Object.keys(claims.agent_public_key as object).sort()).toEqual(['crv', 'kty', 'x']);
    expect(register!.body).toEqual({
      name: 'Ledger helper',
      host_name: 'test-host',
      capabilities,
      mode: 'delegated',
      reason: 'Monthly bookkeeping',
      preferred_method: 'device_authorization',
      login_hint: 'alice@example.test',
      binding_message: 'Approve Ledger helper',
    });
  });

  it('executes a sync capability at the default location with a scoped, fresh agent JWT', async () => {
    const before = mark(sim);
    const first = await client.call('execute_capability', {
      agent_id: agentId,
      capability: 'check_balance',
      arguments: { account_id: 'acc_123' },
    });
    expect(first.ok, JSON.stringify(first.json)).toBe(true);
    expect(first.json).toEqual({ data: { account_id: 'acc_123', balance: 4280.13, currency: 'USD' } });
    await client.call('execute_capability', {
      agent_id: agentId,
      capability: 'check_balance',
      arguments: { account_id: 'acc_123' },
    });
    const executes = wire(sim, before, signedBy(host, '/capability/execute'));
    expect(executes).toHaveLength(2);
    for (const request of executes) {
      expect(request.header?.typ).toBe('agent+jwt');
      expect(request.claims).toMatchObject({
        sub: agentId,
        aud: `${sim.issuer}/capability/execute`,
        capabilities: ['check_balance'],
      });
      expect(request.body).toEqual({ capability: 'check_balance', arguments: { account_id: 'acc_123' } });
    }
    expect(executes[0]!.claims!.jti).not.toBe(executes[1]!.claims!.jti);
  });

  it('follows an async execution with a fresh agent JWT per poll', async () => {
    const before = mark(sim);
    const result = await client.call('execute_capability', { agent_id: agentId, capability: 'generate_report' });
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
    expect(result.json).toEqual({ status: 'completed', result: { report_id: 'rpt_001', rows: 42 } });
    const polls = wire(sim, before, (r) => r.path.startsWith('/capability/status/'));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(polls.map((p) => p.claims?.jti)).size).toBe(polls.length);
    for (const poll of polls) expect(poll.claims).toMatchObject({ sub: agentId, iss: host.thumbprint });
    const gaps = polls.slice(1).map((poll, i) => poll.exchange.time - polls[i]!.exchange.time);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('reads a stream to its done event', async () => {
    const result = await client.call('execute_capability', { agent_id: agentId, capability: 'stream_transactions' });
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
    expect(result.json.events.map((e: any) => e.transaction_id)).toEqual(['txn_1', 'txn_2', 'txn_3']);
    expect(result.json.done).toEqual({ chunks: 3 });
    expect(result.surfaced.join('\n')).toContain('txn_2');
    const failing = await client.call('execute_capability', {
      agent_id: agentId,
      capability: 'stream_transactions',
      arguments: { fail: true },
    });
    expect(failing.ok).toBe(false);
    expect(failing.json).toMatchObject({ error: 'stream_failed' });
  });

  it('reports a constraint violation with the server error code', async () => {
    const result = await client.call('execute_capability', {
      agent_id: agentId,
      capability: 'transfer_money',
      arguments: { amount: 5000, currency: 'USD', destination_account: 'acc_456' },
    });
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'constraint_violated', http_status: 403 });
    expect(result.json.violations[0]).toMatchObject({ field: 'amount' });
  });

  it('requests a capability with the agent JWT and gets it with full details', async () => {
    const before = mark(sim);
    const result = await client.call('request_capability', {
      agent_id: agentId,
      capabilities: ['get_exchange_rate'],
      reason: 'Convert amounts',
      login_hint: 'alice@example.test',
    });
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
    expect(result.json).toMatchObject({ agent_id: agentId, status: 'active' });
    expect(result.json.agent_capability_grants[0]).toMatchObject({ capability: 'get_exchange_rate', status: 'active' });
    expect(result.json.agent_capability_grants[0].input).toBeDefined();
    const [request] = wire(sim, before, signedBy(host, '/agent/request-capability'));
    expect(request?.header?.typ).toBe('agent+jwt');
    expect(request?.claims).toMatchObject({ sub: agentId, aud: sim.issuer });
    expect(request?.body).toEqual({
      capabilities: ['get_exchange_rate'],
      reason: 'Convert amounts',
      login_hint: 'alice@example.test',
    });
  });

  it('reports unknown capabilities with the available ones', async () => {
    const result = await client.call('request_capability', { agent_id: agentId, capabilities: ['warp_drive'] });
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'invalid_capabilities' });
    expect(JSON.stringify(result.json)).toContain('warp_drive');
    expect(result.json.available_capabilities).toContain('transfer_money');
  });

  it('checks status with a host JWT', async () => {
    const before = mark(sim);
    const status = await client.call('agent_status', { agent_id: agentId });
    expect(status.ok).toBe(true);
    expect(status.json).toMatchObject({ agent_id: agentId, status: 'active', connection: { key_held: true } });
    const [request] = wire(sim, before, signedBy(host, '/agent/status'));
    expect(request?.header?.typ).toBe('host+jwt');
    expect(new URL(request!.exchange.path, sim.issuer).searchParams.get('agent_id')).toBe(agentId);
  });

  it('signs a JWT for the agent and refuses capabilities it does not hold', async () => {
    const signed = await client.call('sign_jwt', { agent_id: agentId, capabilities: ['check_balance'] });
    expect(signed.ok).toBe(true);
    expect(signed.json.expires_in).toBe(60);
    const agentJwk = wire(sim, 0, signedBy(host, '/agent/register')).at(-1)!.claims!.agent_public_key as any;
    const { payload, protectedHeader } = await jwtVerify(signed.json.token, await importJWK(agentJwk, 'EdDSA'), {
      issuer: host.thumbprint,
      audience: sim.issuer,
      subject: agentId,
    });
    expect(protectedHeader.typ).toBe('agent+jwt');
    expect(payload.capabilities).toEqual(['check_balance']);
    const refused = await client.call('sign_jwt', { agent_id: agentId, capabilities: ['transfer_international'] });
    expect(refused.ok).toBe(false);
    expect(refused.json).toMatchObject({ error: 'capability_not_granted', not_granted: ['transfer_international'] });
  });

  it('disconnects with a host JWT and forgets the agent', async () => {
    const before = mark(sim);
    const result = await client.call('disconnect_agent', { agent_id: agentId });
    expect(result.ok).toBe(true);
    expect(result.json).toEqual({ agent_id: agentId, status: 'revoked', disconnected: true });
    const [revoke] = wire(sim, before, signedBy(host, '/agent/revoke'));
    expect(revoke?.header?.typ).toBe('host+jwt');
    expect(revoke?.body).toEqual({ agent_id: agentId });
    const after = await client.call('execute_capability', {
      agent_id: agentId,
      capability: 'check_balance',
      arguments: { account_id: 'a' },
    });
    expect(after.ok).toBe(false);
    expect(after.json).toMatchObject({ error: 'agent_not_found' });
    expect(wire(sim, before, (r) => r.claims?.sub === agentId)).toHaveLength(0);
  });

  it('reports a failed revoke as a failure and keeps the connection', async () => {
    const connected = await client.call('connect_agent', {
      provider: sim.issuer,
      name: 'short-lived',
      capabilities: ['check_balance'],
    });
    expect(connected.ok).toBe(true);
    const hostId = connected.json.host_id;
    expect((await sim.control('revoke-host', { host_id: hostId })).status).toBe(200);
    const result = await client.call('disconnect_agent', { agent_id: connected.json.agent_id });
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'host_revoked', disconnected: false });
    const status = await client.call('agent_status', { agent_id: connected.json.agent_id });
    expect(status.ok).toBe(false);
    expect(status.json.error).toBe('host_revoked');
  });
});
