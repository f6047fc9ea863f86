import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSimulateCommand } from '../../src/cli/simulate.ts';
import { SIMULATOR_PROFILE, startSimulator } from '../../src/sim/index.ts';

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
});
