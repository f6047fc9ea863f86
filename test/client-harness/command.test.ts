import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandDriver,
  expandElement,
  loadCommandConfig,
  parseCommandConfig,
  type CommandConfig,
} from '../../src/client-harness/drivers/command.ts';
import { DriverConfigError, type ClientSession } from '../../src/client-harness/drivers/driver.ts';
import { processAlive } from '../../src/client-harness/drivers/process-group.ts';
import { ToolCallRecordSchema } from '../../src/model/index.ts';
import { elapsed, entriesOf, tsxArgv } from './helpers.ts';

const ISSUER = 'http://127.0.0.1:9/issuer?a=1&b=2';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'aac-command-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const client = (mode: string, ...rest: string[]) => tsxArgv('command-client.ts', mode, ...rest);

const CONFIG: CommandConfig = parseCommandConfig({
  env: { CLIENT_ISSUER: '{issuer}', CLIENT_HOME: '{tmp}/home' },
  cwd: '{tmp}',
  tools: {
    connect_agent: {
      command: client(
        'ok',
        '--issuer',
        '{issuer}',
        '--scenario={scenario}',
        '--aud={arg:audience}',
        '--caps',
        '{arg:capabilities}',
        '--opt={arg:missing}',
        '--all',
        '{args}',
      ),
      description: 'Connect an agent',
      inputSchema: { type: 'object', properties: { audience: { type: 'string' } } },
      env: { TOOL_LEVEL: 'debug' },
    },
    no_stdin: { command: client('ok'), stdin: 'none' },
    fail: { command: client('fail') },
    quiet_fail: { command: client('quiet-fail') },
    garbage: { command: client('garbage') },
    hang: { command: client('hang') },
    signal: { command: client('signal') },
    flood: { command: client('flood') },
    daemon: { command: client('daemon') },
  },
});

function start(config = CONFIG): Promise<ClientSession> {
  return new CommandDriver({ config, killGraceMs: 300, callTimeoutMs: 5000 }).start({
    issuer: ISSUER,
    tmpDir: tmp,
    scenarioId: 'cmd-1',
  });
}

function spawnedPids(session: ClientSession): number[] {
  return entriesOf(session.transcript.snapshot().entries, 'lifecycle').flatMap((entry) =>
    entry.event === 'spawned' && entry.pid !== undefined ? [entry.pid] : [],
  );
}

describe('command driver', () => {
  it('runs the tool command with placeholders, JSON on stdin, env and cwd, and parses its JSON', async () => {
    const session = await start();
    try {
      expect((await session.tools()).map((tool) => tool.name)).toContain('connect_agent');
      const args = {
        audience: 'https://api.example.test',
        capabilities: ['check_balance'],
        note: '{tmp} stays literal',
      };
      const call = await session.call('connect_agent', args);
      expect(call.error).toBeUndefined();
      expect(ToolCallRecordSchema.parse(call)).toEqual(call);
      expect(call.exit).toEqual({ code: 0, signal: null });
      expect(call.result?.is_error).toBe(false);
      expect(call.result?.json).toEqual({
        argv: [
          '--issuer',
          ISSUER,
          '--scenario=cmd-1',
          '--aud=https://api.example.test',
          '--caps',
          '["check_balance"]',
          '--all',
          JSON.stringify(args),
        ],
        stdin: args,
        env: { CLIENT_ISSUER: ISSUER, CLIENT_HOME: `${tmp}/home`, TOOL_LEVEL: 'debug' },
        cwd: tmp,
      });
      const entries = session.transcript.snapshot().entries;
      expect(entriesOf(entries, 'stderr').map((entry) => entry.line)).toEqual(['ok: done']);
      expect(entries.map((entry) => entry.kind)).toEqual([
        'lifecycle',
        'lifecycle',
        'call',
        'lifecycle',
        'stderr',
        'lifecycle',
        'result',
      ]);

      const quiet = await session.call('no_stdin', { x: 1 });
      expect((quiet.result?.json as { stdin: unknown }).stdin).toBeNull();
    } finally {
      await session.close();
    }
  });

  it('turns a non-zero exit into a tool error, with stderr when stdout is empty', async () => {
    const session = await start();
    try {
      const fail = await session.call('fail', {});
      expect(fail.error).toBeUndefined();
      expect(fail.exit).toEqual({ code: 2, signal: null });
      expect(fail.result).toMatchObject({ is_error: true, json: { error: 'access_denied' } });
      const quiet = await session.call('quiet_fail', {});
      expect(quiet.result).toMatchObject({ is_error: true, text: 'quiet-fail: cannot reach the issuer' });
    } finally {
      await session.close();
    }
  });

  it('flags stdout that is not JSON as a tool error and a protocol error', async () => {
    const session = await start();
    try {
      const call = await session.call('garbage', {});
      expect(call.result).toMatchObject({ is_error: true, text: 'Agent connected!\n' });
      expect(call.error).toMatchObject({
        kind: 'protocol',
        message: 'the command exited 0 but printed something that is not JSON on stdout',
      });
    } finally {
      await session.close();
    }
  });

  it('kills a command that overruns its deadline, process group included', async () => {
    const session = await start();
    try {
      const { value: call, ms } = await elapsed(() => session.call('hang', {}, { timeoutMs: 1000 }));
      expect(call.error).toMatchObject({ kind: 'timeout', message: 'the command did not finish within 1000 ms' });
      expect(call.error?.stderr_tail).toBe('hang: waiting forever');
      expect(ms).toBeLessThan(2500);
      const [pid] = spawnedPids(session);
      expect(processAlive(pid!)).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('ends a call the caller aborts', async () => {
    const session = await start();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      expect((await session.call('hang', {}, { signal: controller.signal })).error?.kind).toBe('aborted');
    } finally {
      await session.close();
    }
  });

  it('reports a command killed by a signal as crashed', async () => {
    const session = await start();
    try {
      const call = await session.call('signal', {});
      expect(call.error).toMatchObject({ kind: 'crashed', exit: { code: null, signal: 'SIGTERM' } });
    } finally {
      await session.close();
    }
  });

  it('stops a command flooding stdout at the cap', async () => {
    const session = await start();
    try {
      const call = await session.call('flood', {});
      expect(call.error?.kind).toBe('protocol');
      expect(call.error?.message).toContain('more than 1048576 bytes');
      expect(call.result).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('kills what a command left running when the session closes', async () => {
    const session = await start();
    const call = await session.call('daemon', {});
    const { daemon } = call.result?.json as { daemon: number };
    expect(processAlive(daemon)).toBe(true);
    await session.close();
    expect(processAlive(daemon)).toBe(false);
  });

  it('says which tools exist when asked for one it lacks, and refuses calls after close', async () => {
    const session = await start();
    const call = await session.call('list_providers', {});
    expect(call.error?.kind).toBe('not-exposed');
    expect(call.error?.message).toContain('connect_agent');
    await session.close();
    expect((await session.call('fail', {})).error?.kind).toBe('driver');
  });

  it('reports a program that does not exist as a driver error', async () => {
    const session = await start(parseCommandConfig({ tools: { x: { command: ['/nonexistent/agent-cli'] } } }));
    try {
      const call = await session.call('x', {});
      expect(call.error?.kind).toBe('driver');
      expect(call.error?.message).toContain('ENOENT');
    } finally {
      await session.close();
    }
  });
});

describe('command config', () => {
  it('expands placeholders in one pass and drops elements naming absent arguments', () => {
    const values = { issuer: 'https://i.test', tmp: '/t', scenario: 's' };
    expect(expandElement('--x={arg:a}', values, { a: '{issuer}' })).toBe('--x={issuer}');
    expect(expandElement('--n={arg:n}', values, { n: 3 })).toBe('--n=3');
    expect(expandElement('--x={arg:a}', values, {})).toBeUndefined();
    expect(expandElement('{tmp}/{scenario} {"json":true}', values, {})).toBe('/t/s {"json":true}');
  });

  it('explains what is wrong with an invalid config', async () => {
    const invalid = () => parseCommandConfig({ tools: { connect_agent: { command: [], stdin: 'yaml' } }, extra: 1 });
    expect(invalid).toThrow(DriverConfigError);
    const message = (() => {
      try {
        invalid();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('tools.connect_agent.command');
    expect(message).toContain('tools.connect_agent.stdin');
    expect(message).toContain('extra');
    expect(() => parseCommandConfig({ tools: {} })).toThrow(/at least one tool/);

    const file = join(tmp, 'bad.json');
    await writeFile(file, '{ not json');
    await expect(loadCommandConfig(file)).rejects.toThrow(/is not JSON/);
    await expect(loadCommandConfig(join(tmp, 'missing.json'))).rejects.toThrow(DriverConfigError);
  });
});
