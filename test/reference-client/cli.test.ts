import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerReferenceClientCommand } from '../../src/cli/reference-client.ts';

function program(): Command {
  const root = new Command().exitOverride();
  registerReferenceClientCommand(root);
  return root;
}

describe('agent-auth-conformance reference-client', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('--list-faults prints every fault with its requirement ids', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await program().parseAsync(['node', 'cli', 'reference-client', '--list-faults']);
    expect(out.join('')).toContain('host-jwt-wrong-typ  [AAP-4.2-01]');
  });

  it('refuses a plain-http provider without the loopback allowance, with exit code 2', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    await program().parseAsync(['node', 'cli', 'reference-client', '--provider', 'http://127.0.0.1:9']);
    expect(errors.join('')).toMatch(/must use https/);
    expect(process.exitCode).toBe(2);
  });

  it('rejects unknown faults', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(program().parseAsync(['node', 'cli', 'reference-client', '--fault', 'no-such-fault'])).rejects.toThrow(
      /unknown fault/,
    );
  });

  it('refuses a --state-dir it cannot create, in one line with exit code 2', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    await program().parseAsync(['node', 'cli', 'reference-client', '--state-dir', '/proc/no-such-dir/state']);
    expect(errors.join('')).toMatch(
      /^reference-client: cannot keep state in --state-dir \/proc\/no-such-dir\/state: .*\n$/,
    );
    expect(process.exitCode).toBe(2);
  });
});
