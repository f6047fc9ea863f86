import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ed25519KeyPair } from '../../src/jose/index.ts';
import { loadCatalogue } from '../../src/catalogue/load.ts';
import { CLIENT_FAULTS, ClientFaultSet, type ClientFaultName } from '../../src/reference-client/faults.ts';
import { SimDriver } from '../sim/helpers.ts';
import { ClientProcess, mark, removeDir, seededStateDir, signedBy, wire, type WireRequest } from './helpers.ts';

describe('reference client fault registry', () => {
  it('names at least 30 faults, each once, each citing existing catalogue ids', () => {
    const ids = new Set(loadCatalogue().map((requirement) => requirement.id));
    expect(CLIENT_FAULTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CLIENT_FAULTS.map((fault) => fault.name)).size).toBe(CLIENT_FAULTS.length);
    for (const fault of CLIENT_FAULTS) {
      expect(fault.requirements.length, fault.name).toBeGreaterThan(0);
      for (const id of fault.requirements) expect(ids.has(id), `${fault.name} cites ${id}`).toBe(true);
      expect(fault.description.length, fault.name).toBeGreaterThan(10);
    }
  });

  it('refuses unknown fault names', () => {
    expect(() => new ClientFaultSet(['no-such-fault' as ClientFaultName])).toThrow(/unknown fault/);
  });
});

interface FaultRun {
  client: ClientProcess;
  sim: SimDriver;
  host: Ed25519KeyPair;
  since: number;
  /** Requests signed by this client's host (or its agents) to `path`. */
  requests(path?: string): WireRequest[];
}

/** A fault, what the test makes the faulty client do, and what the wire must show. */
const CASES: { fault: ClientFaultName; check: (run: FaultRun) => Promise<void> }[] = [
  {
    fault: 'host-jwt-wrong-typ',
    async check({ client, sim, requests }) {
      await client.call('connect_agent', { provider: sim.issuer, name: 'typ', capabilities: ['check_balance'] });
      expect(requests('/agent/register')[0]?.header?.typ).toBe('JWT');
    },
  },
  {
    fault: 'agent-jwt-wrong-typ',
    async check({ client, sim, requests }) {
      const connected = await client.call('connect_agent', {
        provider: sim.issuer,
        name: 'typ',
        capabilities: ['check_balance'],
      });
      const result = await client.call('execute_capability', {
        agent_id: connected.json.agent_id,
        capability: 'check_balance',
        arguments: { account_id: 'a' },
      });
      expect(result.ok).toBe(false);
      expect(requests('/capability/execute')[0]?.header?.typ).toBe('JWT');
    },
  },

  {
    fault: 'reuses-agent-key',
    async check({ client, sim, requests }) {
      await client.call('connect_agent', { provider: sim.issuer, name: 'first', capabilities: ['check_balance'] });
      await client.call('connect_agent', { provider: sim.issuer, name: 'second', capabilities: ['check_balance'] });
      const keys = requests('/agent/register').map(
        (r) => (r.claims?.agent_public_key as { x?: string } | undefined)?.x,
      );
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(new Set(keys).size).toBe(1);
    },
  },

  {
    fault: 'async-poll-reuses-jwt',
    async check({ client, sim, requests }) {
      const connected = await client.call('connect_agent', {
        provider: sim.issuer,
        name: 'poll',
        capabilities: ['generate_report'],
      });
      await client.call('execute_capability', { agent_id: connected.json.agent_id, capability: 'generate_report' });
      const polls = requests().filter((r) => r.path.startsWith('/capability/status/'));
      expect(polls.length).toBeGreaterThanOrEqual(2);
      expect(polls[1]!.token).toBe(polls[0]!.token);
    },
  },
  {
    fault: 'disconnect-reports-success-on-failure',
    async check({ client, sim }) {
      const connected = await client.call('connect_agent', {
        provider: sim.issuer,
        name: 'gone',
        capabilities: ['check_balance'],
      });
      await sim.control('revoke-host', { host_id: connected.json.host_id });
      const result = await client.call('disconnect_agent', { agent_id: connected.json.agent_id });
      expect(result.ok).toBe(true);
    },
  },
];

/**
 * A handful of faults over the real MCP path against the simulator, each on its own client process
 * (and host); fault-effects.test.ts shows every fault's effect in process.
 */
describe.concurrent('reference client faults show on the wire', () => {
  let sim: SimDriver;
  const dirs: string[] = [];
  const clients: ClientProcess[] = [];

  beforeAll(async () => {
    sim = await SimDriver.start();
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await sim?.stop();
    for (const dir of dirs) await removeDir(dir);
  });

  it.each(CASES)('$fault', async ({ fault, check }) => {
    const seeded = await seededStateDir(sim);
    dirs.push(seeded.dir);
    const since = mark(sim);
    const client = await ClientProcess.start({ providers: [sim.issuer], stateDir: seeded.dir, faults: [fault] });
    clients.push(client);
    const host = seeded.host;
    await check({
      client,
      sim,
      host,
      since,
      requests: (path) => wire(sim, since, signedBy(host, path)),
    });
  });
});
