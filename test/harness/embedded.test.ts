import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerCommand, type ServerCliOptions } from '../../src/cli/server.ts';
import { ReportSchema } from '../../src/model/index.ts';
import { SIMULATOR_PROFILE } from '../../src/sim/sim-profile.ts';

function options(out: string, overrides: Partial<ServerCliOptions> = {}): ServerCliOptions {
  return {
    embedded: true,
    out,
    format: 'json,junit,html,md',
    only: [],
    skip: [],
    timeout: '5000',
    checkTimeout: '30000',
    concurrency: '4',
    header: [],
    quiet: true,
    ...overrides,
  };
}

describe('server command against the embedded simulator', () => {
  let out: string;
  const lines: string[] = [];
  const io = { stderr: (line: string) => lines.push(line) };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-embedded-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('passes every discovery check and writes all reports', async () => {
    const code = await runServerCommand(options(out, { only: ['server.discovery'], seed: '5' }), io);
    const report = ReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    const notPassed = report.checks.filter((check) => check.status !== 'passed');
    expect(notPassed.map((check) => `${check.id}: ${check.message}`)).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(10);
    expect(code).toBe(0);
    expect(report.kind === 'server' && report.target.embedded).toBe(true);
    expect(report.setup.control?.supports).toContain('approve');
    expect(report.setup.profile_source.startsWith('embedded')).toBe(true);
    expect(report.seed).toBe(5);
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain('<testsuite name="discovery"');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('server.discovery.schema');
  });

  it('writes a report and exits 2 on usage errors', async () => {
    const usage = join(out, 'usage');
    const code = await runServerCommand(options(usage, { embedded: false }), io);
    expect(code).toBe(2);
    const report = ReportSchema.parse(JSON.parse(await readFile(join(usage, 'report.json'), 'utf8')));
    expect(report.setup.error).toMatch(/^usage: /);
    expect(await runServerCommand(options(usage, { timeout: 'soon' }), io)).toBe(2);
    expect(await runServerCommand(options(usage, { format: 'json,pdf' }), io)).toBe(2);
    expect(await runServerCommand(options(usage, { url: 'http://127.0.0.1:1' }), io)).toBe(2);
    // A mistyped URL is said as such, before any request.
    for (const url of ['notaurl', 'ftp://example.test']) {
      expect(await runServerCommand(options(usage, { embedded: false, url }), io)).toBe(2);
      const mistyped = ReportSchema.parse(JSON.parse(await readFile(join(usage, 'report.json'), 'utf8')));
      expect(mistyped.setup.error).toBe(`usage: --url must be an absolute http(s) URL, got "${url}"`);
    }
    // Patterns that leave no check would certify nothing: a usage error, not "conforming".
    expect(await runServerCommand(options(usage, { only: ['nomatch*'] }), io)).toBe(2);
    const none = ReportSchema.parse(JSON.parse(await readFile(join(usage, 'report.json'), 'utf8')));
    expect(none.setup.error).toMatch(/^usage: --only\/--skip leave none of the \d+ checks/);
    expect(await runServerCommand(options(usage, { skip: ['server.*'] }), io)).toBe(2);
    // Reports that cannot be written are found before the run (a path under /proc once hung Node's mkdir).
    lines.length = 0;
    expect(await runServerCommand(options('/proc/no-such-dir/reports'), io)).toBe(2);
    expect(lines.join('\n')).toMatch(/cannot write reports to \/proc\/no-such-dir\/reports/);
  });

  it('exits 2 with a report when the profile or baseline file is invalid', async () => {
    const bad = join(out, 'bad-config');
    expect(await runServerCommand(options(bad, { baseline: join(out, 'missing.json') }), io)).toBe(2);
    const report = ReportSchema.parse(JSON.parse(await readFile(join(bad, 'report.json'), 'utf8')));
    expect(report.setup.error).toMatch(/baseline/);
  });

  it('merges a --profile over the simulator profile instead of replacing it', async () => {
    const file = join(out, 'partial-profile.json');
    await writeFile(file, JSON.stringify({ second: 'list_accounts', arguments: { check_balance: { account: 'x' } } }));
    const merged = join(out, 'merged');
    const code = await runServerCommand(
      options(merged, { only: ['server.discovery.served'], profile: file, format: 'json', probeCapabilities: false }),
      io,
    );
    expect(code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(await readFile(join(merged, 'report.json'), 'utf8')));
    // The file's key wins; every role it leaves out still comes from the simulator.
    expect(report.setup.profile).toMatchObject({
      ...SIMULATOR_PROFILE,
      second: 'list_accounts',
      arguments: { check_balance: { account: 'x' } },
    });
    expect(report.setup.profile_source.startsWith('file')).toBe(true);
  });
});
