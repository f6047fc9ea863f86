import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetClock } from '../../src/harness/target-clock.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { ProtocolClient, type TargetInfo } from '../../src/harness/protocol-client/index.ts';
import { ControlClient, type ControlInfo } from '../../src/harness/control-client.ts';
import { HttpDriver } from '../../src/harness/http-driver.ts';
import { Skip } from '../../src/harness/outcome.ts';
import { loadControl, loadTarget } from '../../src/harness/setup.ts';
import type { Workarounds } from '../../src/harness/workarounds.ts';
import { discoveryUrlFor } from '../../src/harness/endpoints.ts';

describe('ProtocolClient against the simulator', () => {
  let simulator: RunningSimulator;
  let target: TargetInfo;
  let control: ControlInfo;
  const driver = new HttpDriver({ timeoutMs: 5000 });

  beforeAll(async () => {
    simulator = await startSimulator({});
    const setup = driver.session('setup');
    target = await loadTarget(setup, discoveryUrlFor(simulator.origin), []);
    control = await loadControl(setup, simulator.controlUrl);
  });
  afterAll(() => simulator.stop());

  function client(checkId: string, withControl = true, workarounds?: Workarounds): ProtocolClient {
    const http = driver.session(checkId);
    const clock = new TargetClock();
    return new ProtocolClient(
      http,
      target,
      withControl ? new ControlClient(http, control, clock) : undefined,
      clock,
      workarounds,
    );
  }

  it('registers, approves through the control hook and executes a sync capability', async () => {
    const c = client('test.client.sync');
    const agent = await c.activeAgent({ capabilities: ['list_accounts'] });
    expect(agent.host.hostId).toBeTypeOf('string');
    const executed = await c.execute(agent, 'list_accounts');
    expect(executed.status).toBe(200);
    expect(executed.json).toHaveProperty('data');
    const jwt = executed.exchange.request.jwt;
    expect(jwt?.header?.['typ']).toBe('agent+jwt');
    expect(jwt?.claims?.['aud']).toBe(c.locationFor('list_accounts'));
    const status = await c.status(agent);
    expect(status.json?.status).toBe('active');
    expect(c.http.exchanges.map((e) => e.label)).toContain('control: approve');
    expect(c.http.exchanges.every((e) => e.request.headers['X-Conformance-Check'] === 'test.client.sync')).toBe(true);
  });

  it('gives pending agents and linked hosts, and skips approval without a control hook', async () => {
    const c = client('test.client.pending');
    const pending = await c.pendingAgent({ capabilities: ['list_accounts'] });
    expect(pending.registration.status).toBe('pending');
    const { host, agent } = await c.linkedHost({ capabilities: ['list_accounts'] });
    expect(agent.host).toBe(host);
    const second = await c.activeAgent({ host, capabilities: ['list_accounts'] });
    expect(second.registration.status).toBe('active');
    await expect(
      client('test.client.no-control', false).activeAgent({ capabilities: ['list_accounts'] }),
    ).rejects.toThrow(Skip);
  });

  it('lists, describes, requests capabilities, introspects and revokes', async () => {
    const c = client('test.client.misc');
    const agent = await c.activeAgent({ capabilities: ['list_accounts'] });
    expect((await c.listCapabilities()).status).toBe(200);
    const listed = await c.listCapabilities(agent);
    expect(listed.json?.capabilities?.some((cap: { grant_status?: string }) => cap.grant_status === 'granted')).toBe(
      true,
    );
    expect((await c.describeCapability('check_balance', agent.host)).json?.name).toBe('check_balance');
    const requested = await c.requestCapability(agent, ['check_balance']);
    expect([200, 201]).toContain(requested.status);
    const token = await c.agentToken(agent);
    expect((await c.introspect(token)).json?.active).toBe(true);
    expect((await c.revoke(agent)).json?.status).toBe('revoked');
    expect((await c.introspect(await c.agentToken(agent))).json?.active).toBe(false);
  });

  it('rotates agent and host keys, keeping the identities usable', async () => {
    const c = client('test.client.rotate');
    const agent = await c.activeAgent({ capabilities: ['list_accounts'] });
    const oldAgentKey = agent.keys;
    expect((await c.rotateAgentKey(agent)).status).toBe(200);
    expect(agent.previousKeys).toEqual([oldAgentKey]);
    expect((await c.execute(agent, 'list_accounts')).status).toBe(200);
    expect((await c.rotateHostKey(agent.host)).status).toBe(200);
    expect(agent.host.previousKeys).toHaveLength(1);
    expect((await c.status(agent)).status).toBe(200);
    expect((await c.execute(agent, 'list_accounts')).status).toBe(200);
    expect((await c.revokeHost(agent.host)).json?.status).toBe('revoked');
  });

  it('polls async results and reads event streams', async () => {
    const c = client('test.client.async');
    const agent = await c.activeAgent({ capabilities: ['generate_report', 'stream_transactions'] });
    const started = await c.execute(agent, 'generate_report', {});
    expect(started.status).toBe(202);
    let polled = await c.poll(agent, started.json.status_url);
    for (let i = 0; i < 5 && polled.json?.status === 'pending'; i += 1)
      polled = await c.poll(agent, started.json.status_url);
    expect(polled.json?.status).toBe('completed');
    const stream = await c.execute(agent, 'stream_transactions');
    expect(stream.exchange.response?.stream_end).toBe('done');
    expect(stream.exchange.response?.events?.at(-1)?.event).toBe('done');
  });

  it('names the host by its key thumbprint in agent JWTs unless the profile declares the host-id issuer workaround', async () => {
    const plain = client('test.client.iss');
    const agent = await plain.activeAgent({ capabilities: ['list_accounts'] });
    const hostId = agent.host.hostId as string;
    expect(hostId).not.toBe(agent.host.keys.thumbprint);
    const spec = await plain.execute(agent, 'list_accounts');
    expect(spec.exchange.request.jwt?.claims?.['iss']).toBe(agent.host.keys.thumbprint);
    expect(spec.status).toBe(200);

    const worked = client('test.client.iss-workaround', true, { agentJwtIssuer: 'host-id' });
    expect(worked.agentIssuer(agent.host)).toBe(hostId);
    const declared = await worked.execute(agent, 'list_accounts');
    expect(declared.exchange.request.jwt?.claims?.['iss']).toBe(hostId);
    // The simulator follows §4.3, so the host id is no issuer it recognises.
    expect(declared.json?.error).toBe('invalid_jwt');
    const explicit = await worked.execute(
      agent,
      'list_accounts',
      {},
      { tokenOpts: { hostIss: agent.host.keys.thumbprint } },
    );
    expect(explicit.status).toBe(200);
    const unregistered = await worked.newHost();
    expect(worked.agentIssuer(unregistered)).toBe(unregistered.keys.thumbprint);
  });

  it('sends hand-crafted requests with raw', async () => {
    const c = client('test.client.raw');
    const result = await c.raw('POST', '/agent/register', {
      body: '{not json',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.exchange.request.body).toBe('{not json');
  });
});
