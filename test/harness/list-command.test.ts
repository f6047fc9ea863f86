import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerListCommand } from '../../src/cli/list.ts';
import { serverChecks } from '../../suites/server/index.ts';

function listed(args: string[]): Promise<string> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const program = new Command().exitOverride();
  registerListCommand(program);
  return program.parseAsync(['node', 'cli', 'list', ...args]).then(() => out.join(''));
}

describe('agent-auth-conformance list', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows every check with its level, requirements and what it needs, without running any', async () => {
    const text = await listed([]);
    expect(text).toContain(`${serverChecks.length} of ${serverChecks.length} checks`);
    expect(text).toMatch(
      /server\.state\.pending\.reactivate {2}\[MUST, state\] .*needs .*control hook "approve" \(--control-url\)/,
    );
  });

  it('selects with --only/--skip and answers JSON with --json', async () => {
    const entries = JSON.parse(await listed(['--only', 'server.state.revoked.*', '--skip', '*.views-agree', '--json']));
    expect(entries.map((entry: { id: string }) => entry.id)).toContain('server.state.revoked.reactivate');
    expect(entries.every((entry: { cell?: { state: string } }) => entry.cell?.state === 'revoked')).toBe(true);
    expect(entries.some((entry: { id: string }) => entry.id.endsWith('views-agree'))).toBe(false);
  });

  it('says in one line that patterns match no check, and exits 2', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    try {
      expect(await listed(['--only', 'nomatch*'])).toBe('');
      expect(errors.join('')).toMatch(/^list: --only\/--skip leave none of the \d+ checks to run .*\n$/);
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = undefined;
    }
  });
});
