import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverConfigError, DriverStartError, type ClientSession } from '../../src/client-harness/drivers/driver.ts';
import { ModuleDriver } from '../../src/client-harness/drivers/module.ts';
import { startLocalServer, json, neverAnswers, type LocalServer } from '../harness/local-server.ts';
import { elapsed, entriesOf, FIXTURES } from './helpers.ts';

let tmp: string;
let issuer: LocalServer;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'aac-module-'));
  issuer = await startLocalServer({
    '/.well-known/agent-configuration': json(200, { issuer: 'loopback', version: '1.0-draft' }),
    '/never': neverAnswers,
  });
});
afterAll(async () => {
  await issuer.close();
  await rm(tmp, { recursive: true, force: true });
});

async function start(module = 'adapter.ts', scenarioId = 'module-1', startTimeoutMs = 2000): Promise<ClientSession> {
  const driver = await ModuleDriver.load({ module: join(FIXTURES, module), callTimeoutMs: 2000 });
  return driver.start({ issuer: issuer.url, tmpDir: tmp, scenarioId, startTimeoutMs });
}

describe('module driver', () => {
  it('calls adapter tools in process and records their results', async () => {
    const session = await start();
    try {
      const tools = await session.tools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      expect(tools.find((tool) => tool.name === 'discover_provider')).toMatchObject({
        description: 'Fetches the discovery document',
      });
      expect((await session.call('echo', { a: [1] })).result).toMatchObject({
        is_error: false,
        json: { tool: 'echo', args: { a: [1] } },
      });
      expect((await session.call('text', {})).result).toMatchObject({ text: 'plain text answer' });
      expect((await session.call('context', {})).result?.json).toEqual({ issuer: issuer.url, tmpDir: tmp });
      expect((await session.call('discover_provider', { url: issuer.url })).result?.json).toEqual({
        issuer: 'loopback',
        version: '1.0-draft',
      });
      expect(entriesOf(session.transcript.snapshot().entries, 'stderr')[0]?.line).toBe('adapter ready for module-1');
    } finally {
      await session.close();
    }
    expect(existsSync(join(tmp, 'closed'))).toBe(true);
  });

  it('turns a thrown error into a tool error that keeps its fields', async () => {
    const session = await start();
    try {
      const call = await session.call('fail', {});
      expect(call.error).toBeUndefined();
      expect(call.result).toMatchObject({
        is_error: true,
        text: 'Error: approval denied',
        json: { code: 'access_denied', status: 403, message: 'approval denied' },
      });
    } finally {
      await session.close();
    }
  });

  it('abandons a hanging tool at its deadline and signals a cooperative one', async () => {
    const session = await start();
    try {
      const { value: hang, ms } = await elapsed(() => session.call('hang', {}, { timeoutMs: 300 }));
      expect(hang.error).toMatchObject({ kind: 'timeout', message: 'no answer within 300 ms' });
      expect(ms).toBeLessThan(1000);
      expect((await session.call('cooperative', {}, { timeoutMs: 300 })).error?.kind).toBe('timeout');
      expect((await session.call('echo', {})).error).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('caps a huge result', async () => {
    const session = await start();
    try {
      const call = await session.call('huge', {});
      expect(call.result?.truncated).toBe(true);
      expect(call.result?.text.endsWith('…[truncated: 200011 bytes in total]')).toBe(true);
      expect((call.result?.json as { $truncated?: string }).$truncated).toBe(
        'JSON value of 200011 bytes exceeds the 65536-byte cap',
      );
      expect(JSON.stringify(call).length).toBeLessThan(3 * 66 * 1024);
    } finally {
      await session.close();
    }
  });

  it('aborts the adapter’s fetches when the session closes', async () => {
    const session = await start();
    const pending = session.call('slow_fetch', {}, { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { ms } = await elapsed(() => session.close());
    const call = await pending;
    expect(call.error).toMatchObject({ kind: 'driver', message: 'the session was closed during the call' });
    expect(ms).toBeLessThan(1000);
  });

  it('reports tools it lacks and calls after close', async () => {
    const session = await start();
    expect((await session.call('connect_agent', {})).error?.kind).toBe('not-exposed');
    expect((await session.call('toString', {})).error?.kind).toBe('not-exposed');
    await session.close();
    expect((await session.call('echo', {})).error?.kind).toBe('driver');
  });

  it('fails to start when the factory throws, hangs or builds something else', async () => {
    const failure = async (scenario: string) =>
      (await start('adapter-broken.ts', scenario, 500).catch((error: unknown) => error)) as DriverStartError;
    expect(await failure('throws')).toMatchObject({
      kind: 'crashed',
      message: 'the client could not be started: the adapter factory threw: Error: missing credentials',
    });
    const { value: hung, ms } = await elapsed(() => failure('hangs'));
    expect(hung).toBeInstanceOf(DriverStartError);
    expect(hung.kind).toBe('timeout');
    expect(ms).toBeLessThan(1500);
    expect((await failure('other')).kind).toBe('driver');
  });

  it('rejects a module without a default factory, or one that does not load', async () => {
    await expect(ModuleDriver.load({ module: join(FIXTURES, 'adapter-no-default.ts') })).rejects.toThrow(
      /must export a factory function as default \(it exports no default\)/,
    );
    await expect(ModuleDriver.load({ module: join(FIXTURES, 'missing-adapter.ts') })).rejects.toThrow(
      DriverConfigError,
    );
  });
});
