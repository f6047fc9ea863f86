import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ed25519KeyPair } from '../../src/jose/index.ts';
import { SimDriver } from '../sim/helpers.ts';
import {
  ClientProcess,
  mark,
  removeDir,
  seededStateDir,
  signedBy,
  sleep,
  until,
  wire,
  type WireRequest,
} from './helpers.ts';

/** The simulator's approval interval (src/sim/options.ts): no poll may come sooner. */
const INTERVAL_MS = 5000;

/** The registration answer once the simulator has recorded it. */
async function registrationOf(sim: SimDriver, since: number, host: Ed25519KeyPair, name: string): Promise<any> {
  const register = await until(() =>
    wire(sim, since, signedBy(host, '/agent/register')).find(
      (r: WireRequest) => r.body?.name === name && r.exchange.responseBody !== '',
    ),
  );
  return { time: register.exchange.time, answer: JSON.parse(register.exchange.responseBody) };
}

/**
 * Pending registrations: the high-risk capability is never auto-approved by the simulator, so the
 * client must show the approval and poll at the advertised interval. Approval and denial run side
 * by side to keep the wait to one interval.
 */
describe.concurrent('reference client approval flows', () => {
  let sim: SimDriver;
  const dirs: string[] = [];
  const clients: ClientProcess[] = [];
  /** One client (and host) for the approval and the denial, which run side by side. */
  let shared: Promise<{ client: ClientProcess; host: Ed25519KeyPair; since: number }>;

  beforeAll(async () => {
    sim = await SimDriver.start();
    shared = startClient();
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await sim?.stop();
    for (const dir of dirs) await removeDir(dir);
  });

  async function startClient(
    approvalTimeout?: number,
  ): Promise<{ client: ClientProcess; host: Ed25519KeyPair; since: number }> {
    const seeded = await seededStateDir(sim);
    dirs.push(seeded.dir);
    const since = mark(sim);
    const client = await ClientProcess.start({
      providers: [sim.issuer],
      stateDir: seeded.dir,
      ...(approvalTimeout !== undefined && { approvalTimeout }),
    });
    clients.push(client);
    return { client, host: seeded.host, since };
  }

  it('shows the code, polls no faster than the interval, and returns the approved agent', async () => {
    const { client, host, since } = await shared;
    const call = client.call('connect_agent', {
      provider: sim.issuer,
      name: 'wire sender',
      capabilities: ['transfer_international'],
    });
    const { time: registeredAt, answer } = await registrationOf(sim, since, host, 'wire sender');
    expect(answer.status).toBe('pending');
    expect((await sim.control('approve', { agent_id: answer.agent_id })).status).toBe(200);
    const result = await call;
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
    expect(result.json).toMatchObject({ agent_id: answer.agent_id, status: 'active' });
    expect(result.json.agent_capability_grants).toEqual([
      expect.objectContaining({ capability: 'transfer_international', status: 'active' }),
    ]);
    expect(result.json.approval).toMatchObject({
      method: 'device_authorization',
      user_code: answer.approval.user_code,
      verification_uri: answer.approval.verification_uri,
    });
    const shown = result.surfaced.join('\n');
    expect(shown).toContain(answer.approval.user_code);
    expect(shown).toContain(answer.approval.verification_uri_complete);

    const polls = wire(sim, since, signedBy(host, '/agent/status')).filter((r) => r.path.endsWith(answer.agent_id));
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls[0]!.header?.typ).toBe('host+jwt');
    expect(polls[0]!.exchange.time - registeredAt).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
    const execute = await client.call('execute_capability', {
      agent_id: answer.agent_id,
      capability: 'transfer_international',
      arguments: { amount: 10, currency: 'EUR', destination_iban: 'DE00' },
    });
    expect(execute.ok, JSON.stringify(execute.json)).toBe(true);
  });

  it('stops at a denial, reports it, and never registers again by itself', async () => {
    const { client, host, since } = await shared;
    const call = client.call('connect_agent', {
      provider: sim.issuer,
      name: 'denied sender',
      capabilities: ['transfer_international'],
    });
    const { answer } = await registrationOf(sim, since, host, 'denied sender');
    expect((await sim.control('deny', { agent_id: answer.agent_id })).status).toBe(200);
    const result = await call;
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'access_denied', agent_id: answer.agent_id, status: 'rejected' });
    const polls = () =>
      wire(sim, since, signedBy(host, '/agent/status')).filter((r) => r.path.endsWith(answer.agent_id));
    const pollsAtEnd = polls().length;
    await sleep(1000);
    expect(polls()).toHaveLength(pollsAtEnd);
    expect(
      wire(sim, since, signedBy(host, '/agent/register')).filter((r) => r.body?.name === 'denied sender'),
    ).toHaveLength(1);
  });

  it('answers pending when its wait runs out and keeps polling by itself', async () => {
    const { client, host, since } = await startClient(0);
    const result = await client.call('connect_agent', {
      provider: sim.issuer,
      name: 'patient sender',
      capabilities: ['transfer_international'],
    });
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
    expect(result.json).toMatchObject({ status: 'pending', approval: { method: 'device_authorization' } });
    expect((await sim.control('approve', { agent_id: result.json.agent_id })).status).toBe(200);
    await until(
      () => (wire(sim, since, signedBy(host, '/agent/status')).length > 0 ? true : undefined),
      INTERVAL_MS + 3000,
    );
    const status = await client.call('agent_status', { agent_id: result.json.agent_id });
    expect(status.json).toMatchObject({ status: 'active', connection: { key_held: true } });
  });
});
