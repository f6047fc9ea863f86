import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClientContext, type ClientContext } from '../../src/reference-client/context.ts';
import { ClientFaultSet, type ClientFaultName } from '../../src/reference-client/faults.ts';
import type { Reporter } from '../../src/reference-client/reporter.ts';
import { connectAgent } from '../../src/reference-client/tools/connect.ts';
import { executeCapability } from '../../src/reference-client/tools/execute.ts';
import { FakeProvider } from './fake-provider.ts';

const quiet: Reporter = { notify: async () => undefined };

/** Runs a tool function and returns its result or its error body. */
async function outcome(run: () => Promise<Record<string, unknown>>): Promise<{ ok: boolean; json: any }> {
  try {
    return { ok: true, json: await run() };
  } catch (error) {
    return { ok: false, json: (error as { body?: () => unknown }).body?.() ?? String(error) };
  }
}

/**
 * Client MUSTs the simulator never provokes, against a scripted provider, with the client's tools
 * called in process.
 */
describe('reference client against a scripted provider', () => {
  let fake: FakeProvider;
  let foreign: FakeProvider;

  beforeEach(async () => {
    fake = await FakeProvider.start();
    foreign = await FakeProvider.start();
  });

  afterEach(async () => {
    await fake.stop();
    await foreign.stop();
  });

  async function context(faults: ClientFaultName[] = []): Promise<ClientContext> {
    return createClientContext({
      providers: [fake.origin],
      allowInsecureLoopback: true,
      hostName: 'edge-host',
      approvalTimeoutSeconds: 5,
      faults: new ClientFaultSet(faults),
    });
  }

  async function connected(ctx: ClientContext): Promise<string> {
    const result = await connectAgent(ctx, { provider: fake.origin, name: 'edge', capabilities: ['run'] }, quiet);
    return String(result.agent_id);
  }

  it('stops at an unsupported major version and says so', async () => {
    fake.discovery.version = '2.0-draft';
    const result = await outcome(async () =>
      connectAgent(await context(), { provider: fake.origin, name: 'v2' }, quiet),
    );
    expect(result.ok).toBe(false);
    expect(result.json).toMatchObject({ error: 'unsupported_version', version: '2.0-draft' });
    expect(fake.paths()).toEqual(['GET /.well-known/agent-configuration']);
  });

  it('goes on with a newer minor version and unknown fields', async () => {
    Object.assign(fake.discovery, {
      version: '1.9-draft',
      future_field: { x: 1 },
      approval_methods: ['x-holo', 'device_authorization'],
    });
    const result = await outcome(async () =>
      connectAgent(await context(), { provider: fake.origin, name: 'v19' }, quiet),
    );
    expect(result.ok, JSON.stringify(result.json)).toBe(true);
  });

  it('refuses a status_url on a third origin and never contacts it', async () => {
    fake.on('POST /capability/execute', () => ({
      status: 202,
      json: { status: 'pending', status_url: `${foreign.origin}/jobs/1` },
    }));
    const ctx = await context();
    const agentId = await connected(ctx);
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result.json).toMatchObject({ error: 'refused_url' });
    expect(foreign.requests).toHaveLength(0);
  });

  it('refuses a plain-http status_url off loopback', async () => {
    fake.on('POST /capability/execute', () => ({
      status: 202,
      json: { status: 'pending', status_url: 'http://jobs.example.test/1' },
    }));
    const ctx = await context();
    const agentId = await connected(ctx);
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result.json).toMatchObject({ error: 'refused_url' });
  });

  it('reads untyped and multi-line events, skips comments, and fails a stream without done', async () => {
    const ctx = await context();
    const agentId = await connected(ctx);
    fake.on('POST /capability/execute', () => ({
      sse: ': keepalive\n\ndata: {"n":1}\n\ndata: {\ndata:  "n": 2\ndata: }\n\nevent: data\nid: 7\nretry: 100\ndata: {"n":3}\n\nevent: done\ndata:\n\n',
    }));
    const full = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(full).toEqual({ ok: true, json: { events: [{ n: 1 }, { n: 2 }, { n: 3 }], done: null } });
    fake.on('POST /capability/execute', () => ({ sse: 'event: data\ndata: {"n":1}\n\n' }));
    const cut = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(cut.ok).toBe(false);
    expect(cut.json).toMatchObject({ error: 'stream_incomplete', events: [{ n: 1 }] });
  });

  it('waits out Retry-After before retrying a 429, with a fresh token', async () => {
    const ctx = await context();
    const agentId = await connected(ctx);
    let calls = 0;
    fake.on('POST /capability/execute', () =>
      ++calls === 1
        ? { status: 429, headers: { 'retry-after': '1' }, json: { error: 'rate_limited', message: 'slow down' } }
        : { json: { data: { ok: true } } },
    );
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result).toEqual({ ok: true, json: { data: { ok: true } } });
    const executes = fake.requests.filter((r) => r.path === '/capability/execute');
    expect(executes).toHaveLength(2);
    expect(executes[1]!.time - executes[0]!.time).toBeGreaterThanOrEqual(1000);
    expect(executes[1]!.claims?.jti).not.toBe(executes[0]!.claims?.jti);
  });

  it('executes at a capability location on another origin with that location as aud', async () => {
    const location = `${foreign.origin}/agent/execute`;
    fake.on('GET /capability/describe', () => ({ json: { name: 'run', description: 'Run', location } }));
    foreign.on('POST /agent/execute', () => ({ json: { data: 'ran elsewhere' } }));
    const ctx = await context();
    const agentId = await connected(ctx);
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result).toEqual({ ok: true, json: { data: 'ran elsewhere' } });
    expect(foreign.requests[0]?.claims).toMatchObject({ aud: location, capabilities: ['run'] });
    expect(fake.requests.some((r) => r.path === '/capability/execute')).toBe(false);
  });

  it('never follows a redirect to another origin with a token', async () => {
    fake.on('POST /capability/execute', () => ({
      status: 307,
      headers: { location: `${foreign.origin}/capability/execute` },
    }));
    const ctx = await context();
    const agentId = await connected(ctx);
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result.json).toMatchObject({ error: 'refused_redirect' });
    expect(foreign.requests).toHaveLength(0);
  });

  it('drops cached capability data and describes again after invalid_request', async () => {
    const ctx = await context();
    const agentId = await connected(ctx);
    fake.on('POST /capability/execute', () => ({
      status: 400,
      json: { error: 'invalid_request', message: 'stale arguments' },
    }));
    fake.on('GET /capability/describe', () => ({
      json: { name: 'run', description: 'Run', input: { type: 'object', required: ['v2'] } },
    }));
    await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    const result = await outcome(() => executeCapability(ctx, { agent_id: agentId, capability: 'run' }, quiet));
    expect(result.json).toMatchObject({ error: 'invalid_request', capability: { input: { required: ['v2'] } } });
    const describes = fake.requests.filter((r) => r.path === '/capability/describe');
    expect(describes.length).toBeGreaterThanOrEqual(3);
  });
});
