import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientCliOptions, runClientCommand } from '../../src/cli/client.ts';
import { ClientReportSchema } from '../../src/model/index.ts';
import { clientScenarios } from '../../suites/client/index.ts';

function options(out: string, overrides: Partial<ClientCliOptions> = {}): ClientCliOptions {
  return {
    driver: 'mcp',
    // Never started: every run below ends before a scenario starts its client.
    command: 'node -e ""',
    env: [],
    out,
    format: 'json,junit,html,md',
    only: [],
    skip: [],
    timeout: '1000',
    scenarioTimeout: '2000',
    concurrency: '1',
    recordExchanges: 'failures',
    quiet: true,
    ...overrides,
  };
}

describe('client command exit codes', () => {
  let out: string;
  const lines: string[] = [];
  const io = { stderr: (line: string) => lines.push(line) };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-client-command-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('exits 3 on an internal harness error and still writes every report with the error in it', async () => {
    // A scenario the engine cannot read stands in for a bug of the harness: it throws outside any
    // scenario's own error handling, so the run itself breaks.
    const broken = { ...clientScenarios[0]!, requirements: undefined as unknown as string[] };
    const dir = join(out, 'internal');
    lines.length = 0;
    const code = await runClientCommand(options(dir), { ...io, scenarios: [broken] });
    expect(code).toBe(3);
    const report = ClientReportSchema.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
    expect(report.exit_code).toBe(3);
    expect(report.setup.ok).toBe(false);
    expect(report.setup.error).toMatch(/^internal harness error: .*requirements/);
    for (const file of ['junit.xml', 'report.html', 'summary.md'])
      expect((await stat(join(dir, file))).size, file).toBeGreaterThan(0);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('internal harness error');
    expect(lines.join('\n')).toContain('exit 3: internal harness error');
  });

  it('still exits 2 on a usage error', async () => {
    const dir = join(out, 'usage');
    const code = await runClientCommand(options(dir, { timeout: 'soon' }), io);
    expect(code).toBe(2);
    const report = ClientReportSchema.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
    expect(report.setup.error).toMatch(/^usage: --timeout/);
    // An unknown report format is the caller's mistake too, not an internal error (exit 3).
    expect(await runClientCommand(options(dir, { format: 'json,pdf' }), io)).toBe(2);
    const format = ClientReportSchema.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
    expect(format.setup.error).toBe('usage: --format: unknown report format(s): pdf (known: json, junit, html, md)');
  });
});
