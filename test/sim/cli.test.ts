import { type ChildProcessByStdio, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSimulateCommand } from '../../src/cli/simulate.ts';
import { SIMULATOR_PROFILE, startSimulator } from '../../src/sim/index.ts';

const bin = fileURLToPath(new URL('../../bin/agent-auth-conformance.js', import.meta.url));

/** The issuer a simulate process announces on its stdout ("listening <issuer>"). */
function listeningIssuer(child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>) {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening (\S+)$/m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`simulate ended before listening: ${out}`)));
  });
}

function program(): Command {
  const root = new Command().exitOverride();
  registerSimulateCommand(root);
  return root;
}

describe('agent-auth-conformance simulate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints "listening <issuer>" once ready and stops cleanly on SIGINT', async () => {
    const lines: string[] = [];
    let announced: (line: string) => void = () => undefined;
    const listening = new Promise<string>((resolve) => (announced = resolve));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = String(chunk);
      lines.push(text);
      if (text.startsWith('listening ')) announced(text.trim().slice('listening '.length));
      return true;
    });
    const run = program().parseAsync([
      'node',
      'cli',
      'simulate',
      '--port',
      '0',
      '--fault',
      'no-replay-cache',
      '--session-ttl',
      '60',
      '--modes',
      'delegated',
    ]);
    const issuer = await listening;
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = await (await fetch(`${issuer}/.well-known/agent-configuration`)).json();
    expect(discovery.modes).toEqual(['delegated']);
    process.emit('SIGINT');
    await run;
    await expect(fetch(`${issuer}/.well-known/agent-configuration`)).rejects.toThrow();
  });

  it('reports a port it cannot listen on and sets a failing exit code', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    const blocker = await startSimulator();
    try {
      await program().parseAsync(['node', 'cli', 'simulate', '--port', String(blocker.port)]);
      expect(errors.join('')).toMatch(/cannot start/);
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = undefined;
      await blocker.stop();
    }
  });

  it('--list-faults prints the registry', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await program().parseAsync(['node', 'cli', 'simulate', '--list-faults']);
    expect(out.join('')).toContain('accepts-alg-none');
    expect(out.join('')).toContain('AAP-');
  });

  it('--print-profile prints the simulator profile a --url run needs to equal the embedded run', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await program().parseAsync(['node', 'cli', 'simulate', '--print-profile']);
    expect(JSON.parse(out.join(''))).toEqual(SIMULATOR_PROFILE);
  });

  it('rejects unknown faults, modes and malformed numbers', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(program().parseAsync(['node', 'cli', 'simulate', '--fault', 'nope'])).rejects.toThrow(/unknown fault/);
    await expect(program().parseAsync(['node', 'cli', 'simulate', '--modes', 'solo'])).rejects.toThrow(/unknown mode/);
    await expect(program().parseAsync(['node', 'cli', 'simulate', '--port', 'x'])).rejects.toThrow(/port/);
    await expect(program().parseAsync(['node', 'cli', 'simulate', '--rate-limit', '5'])).rejects.toThrow(/requests/);
  });

  // The real bin in its own process, as a person or a supervisor runs it: the signal must end it promptly.
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'the bin exits 0 within a second of %s',
    async (signal) => {
      const child = spawn(process.execPath, [bin, 'simulate'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const issuer = await listeningIssuer(child);
        expect((await fetch(`${issuer}/.well-known/agent-configuration`)).status).toBe(200);
        const sent = performance.now();
        child.kill(signal);
        expect(await exited).toBe(0);
        expect(performance.now() - sent).toBeLessThan(1000);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
    20_000,
  );

  // What `npx` does on SIGTERM: the process that started simulate (npm, and its shell) ends without
  // passing the signal on. Simulate, re-parented, must still stop and free its port.
  it('stops once the process that started it is gone', async () => {
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${bin}" simulate & wait`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const issuer = await listeningIssuer(shell);
      shell.kill('SIGKILL');
      const deadline = performance.now() + 3000;
      let stopped = false;
      while (!stopped && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stopped = await fetch(`${issuer}/.well-known/agent-configuration`).then(
          () => false,
          () => true,
        );
      }
      expect(stopped).toBe(true);
    } finally {
      if (shell.exitCode === null && shell.signalCode === null) shell.kill('SIGKILL');
    }
  }, 20_000);
});
