import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverConfigError, DriverStartError, type ClientSession } from '../../src/client-harness/drivers/driver.ts';
import { McpDriver } from '../../src/client-harness/drivers/mcp.ts';
import { processAlive } from '../../src/client-harness/drivers/process-group.ts';
import { ToolCallRecordSchema } from '../../src/model/index.ts';
import { TRANSCRIPT_LIMITS } from '../../src/client-harness/drivers/transcript.ts';
import { TranscriptSnapshotSchema } from '../../src/model/index.ts';
import { elapsed, entriesOf, spawnedPid, tsxCommand } from './helpers.ts';

// An issuer with shell metacharacters: it must reach the client intact, as one argument.
const ISSUER = 'http://127.0.0.1:9/issuer?a=1&b=$HOME';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'aac-mcp-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function driver(
  mode: string,
  command = tsxCommand('mcp-stdio-client.ts', '--issuer', '{issuer}', '--state', '{tmp}/state'),
) {
  return new McpDriver({
    target: {
      transport: 'stdio',
      command,
      env: { FIXTURE_MODE: mode, FIXTURE_ISSUER: '{issuer}', FIXTURE_STATE: '{tmp}/state' },
    },
    callTimeoutMs: 2000,
    killGraceMs: 300,
  });
}

function start(mode: string, startTimeoutMs = 10_000): Promise<ClientSession> {
  return driver(mode).start({ issuer: ISSUER, tmpDir: tmp, scenarioId: `mcp-${mode}`, startTimeoutMs });
}

async function startError(run: Promise<unknown>): Promise<DriverStartError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DriverStartError);
  return error as DriverStartError;
}

describe('MCP stdio driver', () => {
  it('lists tools, calls them, records everything in order and kills the client on close', async () => {
    const session = await start('normal');
    const pid = spawnedPid(session.transcript.snapshot().entries);
    expect((await session.tools()).map((tool) => tool.name).sort()).toEqual([
      'connect',
      'deny',
      'echo',
      'elicit',
      'structured',
      'whoami',
    ]);

    const echo = await session.call('echo', { hello: 'world', n: 1 });
    expect(echo.error).toBeUndefined();
    expect(echo.result?.is_error).toBe(false);
    expect(echo.result?.json).toEqual({ tool: 'echo', args: { hello: 'world', n: 1 } });
    expect(ToolCallRecordSchema.parse(echo)).toEqual(echo);

    const denied = await session.call('deny', {});
    expect(denied.result).toMatchObject({ is_error: true, json: { error: 'access_denied' } });
    const structured = await session.call('structured', {});
    expect(structured.result).toMatchObject({
      text: 'see structured content',
      json: { agent_id: 'agent-9' },
      structured_content: { agent_id: 'agent-9' },
    });
    const elicit = await session.call('elicit', {});
    expect(elicit.error).toMatchObject({ kind: 'rpc-error', code: -32042 });
    expect(elicit.error?.data).toMatchObject({ elicitations: [{ url: 'https://approve.example.test/e1' }] });
    const missing = await session.call('connect_agent', {});
    expect(missing.error?.kind).toBe('not-exposed');
    expect(missing.error?.message).toContain('echo');

    const snapshot = TranscriptSnapshotSchema.parse(session.transcript.snapshot());
    const kinds = snapshot.entries.map((entry) =>
      entry.kind === 'notification' ? `${entry.kind}:${entry.method}` : entry.kind,
    );
    const firstCall = kinds.indexOf('call');
    expect(kinds.slice(firstCall, firstCall + 4)).toEqual([
      'call',
      'notification:notifications/progress',
      'notification:notifications/message',
      'result',
    ]);
    expect(entriesOf(snapshot.entries, 'stderr')[0]?.line).toBe('fake client starting in mode normal');
    expect(entriesOf(snapshot.entries, 'protocol')).toEqual([]);
    expect(snapshot.entries.map((entry) => entry.seq)).toEqual(snapshot.entries.map((_, index) => index + 1));

    await session.close();
    await session.close();
    expect(processAlive(pid)).toBe(false);
    expect((await session.call('echo', {})).error).toMatchObject({ kind: 'driver', message: 'the session is closed' });
  });

  it('substitutes {issuer} and {tmp} in arguments and environment, without a shell', async () => {
    const session = await start('normal');
    try {
      const who = (await session.call('whoami', {})).result?.json as { argv: string[]; env: Record<string, string> };
      expect(who.argv).toEqual(['--issuer', ISSUER, '--state', `${tmp}/state`]);
      expect(who.env).toEqual({ FIXTURE_ISSUER: ISSUER, FIXTURE_STATE: `${tmp}/state` });
    } finally {
      await session.close();
    }
  });

  it('times out a call the client never answers, and the client stays usable', async () => {
    const session = await start('hang-on-call');
    try {
      const { value: hung, ms } = await elapsed(() => session.call('echo', {}, { timeoutMs: 500 }));
      expect(hung.error).toMatchObject({ kind: 'timeout', message: 'no answer within 500 ms' });
      expect(ms).toBeLessThan(1500);
      expect((await session.call('whoami', {})).error).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('ends a call when the caller aborts it', async () => {
    const session = await start('hang-on-call');
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      expect((await session.call('echo', {}, { signal: controller.signal })).error?.kind).toBe('aborted');
    } finally {
      await session.close();
    }
  });

  it('fails the pending call at once with the exit code and stderr when the client crashes', async () => {
    const session = await start('crash-on-call');
    const pid = spawnedPid(session.transcript.snapshot().entries);
    try {
      const { value: crashed, ms } = await elapsed(() => session.call('echo', {}, { timeoutMs: 5000 }));
      expect(crashed.error).toMatchObject({
        kind: 'crashed',
        exit: { code: 3, signal: null },
        message: 'the client process exited with code 3',
      });
      expect(crashed.error?.stderr_tail).toContain('fatal: the fake client crashed on purpose');
      expect(ms).toBeLessThan(2000);
      expect((await session.call('whoami', {})).error?.kind).toBe('crashed');
      expect(
        entriesOf(session.transcript.snapshot().entries, 'lifecycle').some((entry) => entry.event === 'exit'),
      ).toBe(true);
    } finally {
      await session.close();
    }
    expect(processAlive(pid)).toBe(false);
  });

  it('fails the call as a protocol error, not a timeout, when the client writes garbage to stdout', async () => {
    const session = await start('garbage-stdout');
    try {
      const { value: call, ms } = await elapsed(() => session.call('echo', {}, { timeoutMs: 5000 }));
      expect(call.error?.kind).toBe('protocol');
      expect(call.error?.message).toContain('this line is not JSON-RPC');
      expect(ms).toBeLessThan(2000);
      const violations = entriesOf(session.transcript.snapshot().entries, 'protocol');
      expect(violations[0]).toMatchObject({ data: 'this line is not JSON-RPC' });
    } finally {
      await session.close();
    }
  });

  it('keeps at most the capped number of notifications and counts the rest', async () => {
    const session = await start('flood-notifications');
    try {
      const call = await session.call('echo', {}, { timeoutMs: 5000 });
      expect(call.error).toBeUndefined();
      const snapshot = session.transcript.snapshot();
      const notifications = entriesOf(snapshot.entries, 'notification');
      expect(notifications.length).toBe(TRANSCRIPT_LIMITS.maxNotifications);
      expect(snapshot.dropped.notifications).toBeGreaterThanOrEqual(5000 - TRANSCRIPT_LIMITS.maxNotifications);
    } finally {
      await session.close();
    }
  });

  it('keeps only the last 256 KiB of stderr, each line capped', async () => {
    const session = await start('flood-stderr');
    try {
      expect((await session.call('echo', {}, { timeoutMs: 5000 })).error).toBeUndefined();
      // stderr and stdout are separate pipes: give the tail of stderr a moment to arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const snapshot = session.transcript.snapshot();
      const lines = entriesOf(snapshot.entries, 'stderr').map((entry) => entry.line);
      const kept = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      expect(kept).toBeLessThanOrEqual(TRANSCRIPT_LIMITS.maxStderrBytes);
      expect(snapshot.dropped.stderr_lines).toBeGreaterThan(0);
      expect(lines.at(-1)).toBe('stderr-end');
      const long = lines.find((line) => line.startsWith('yyy'));
      expect(long?.endsWith('…[truncated: 100000 bytes in total]')).toBe(true);
      expect(Buffer.byteLength(long!)).toBeLessThan(9 * 1024);
    } finally {
      await session.close();
    }
  });

  it('gives up on a client that is not ready in time, and kills it', async () => {
    const { value: error, ms } = await elapsed(() => startError(start('slow-start', 1000)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('not ready');
    expect(ms).toBeLessThan(3000);
    expect(processAlive(spawnedPid(error.transcript.entries))).toBe(false);
  });

  it('reports a client that exits during start with its exit code and stderr', async () => {
    const error = await startError(start('crash-at-start'));
    expect(error.kind).toBe('crashed');
    expect(error.message).toContain('exited with code 2');
    expect(error.message).toContain('cannot start: missing configuration');
  });

  it('reports stdout garbage during start as a protocol error', async () => {
    const error = await startError(start('garbage-at-start'));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('Welcome to the fake client!');
  });

  it('reports a command that does not exist as a driver error', async () => {
    const missing = driver('normal', '/nonexistent/agent-auth-client --stdio');
    const error = await startError(
      missing.start({ issuer: ISSUER, tmpDir: tmp, scenarioId: 'missing', startTimeoutMs: 2000 }),
    );
    expect(error.kind).toBe('driver');
    expect(error.message).toContain('ENOENT');
  });

  it('kills the whole process tree on close, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const session = await start('stubborn-tree');
    const who = (await session.call('whoami', {})).result?.json as { pid: number; grandchild: number };
    expect(processAlive(who.pid)).toBe(true);
    expect(processAlive(who.grandchild)).toBe(true);
    const { ms } = await elapsed(() => session.close());
    expect(processAlive(who.pid)).toBe(false);
    expect(processAlive(who.grandchild)).toBe(false);
    expect(ms).toBeLessThan(2000);
  });

  it('rejects shell syntax in the command up front', () => {
    expect(() => driver('normal', 'client --stdio | tee log')).toThrow(DriverConfigError);
  });
});
