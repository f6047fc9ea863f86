import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ServerReportSchema } from '../../src/model/index.ts';
import { HOSTILE_MODES, type HostileMode, startHostileServer } from './fixtures/hostile-server.ts';

const run = promisify(execFile);

/** The heap the harness gets here: a target that makes it hold more kills it, and the test fails. */
const HEAP_MB = 384;
const MAX_REPORT_BYTES = 50 * 1024 * 1024;

/**
 * The whole server suite against a target misbehaving in one way per mode, as a user would run it
 * (the CLI in a process of its own, short deadlines): the run ends with a verdict (1) or a setup
 * error (2), never a crash or an internal error; every report is written and the JSON one is a valid
 * report; memory stays bounded; no credential reaches the foreign origin.
 */
async function certify(mode: HostileMode) {
  const target = await startHostileServer(mode);
  const out = await mkdtemp(join(tmpdir(), `aac-hostile-${mode}-`));
  try {
    const args = [
      `--max-old-space-size=${HEAP_MB}`,
      '--import',
      'tsx',
      'src/cli/main.ts',
      'server',
      '--url',
      target.url,
      '--timeout',
      '500',
      '--check-timeout',
      '3000',
      '--max-duration',
      '25',
      '--concurrency',
      '8',
      '--out',
      out,
      '--quiet',
    ];
    const exitCode = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
    const sizes = await Promise.all(
      ['report.json', 'report.html', 'junit.xml', 'summary.md'].map(async (file) => (await stat(join(out, file))).size),
    );
    const report = ServerReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    return { exitCode, sizes, report, leaked: [...target.leaked] };
  } finally {
    await target.close();
    await rm(out, { recursive: true, force: true });
  }
}

describe('the harness against hostile targets', () => {
  it.concurrent.each(HOSTILE_MODES.map((mode) => [mode]))(
    '%s: a verdict or a setup error, every report written, bounded, and no credential off-origin',
    async (mode) => {
      const { exitCode, sizes, report, leaked } = await certify(mode);
      expect([1, 2], `exit code ${exitCode}`).toContain(exitCode);
      expect(report.exit_code).toBe(exitCode);
      expect(Math.max(...sizes)).toBeLessThan(MAX_REPORT_BYTES);
      expect(leaked).toEqual([]);
      // A header block that never ends is the per-request deadline's; one past Node's header limit is
      // named as such, not a bare "Headers Overflow Error".
      if (mode === 'slow-headers') expect(JSON.stringify(report.checks)).toMatch(/no complete response within 500 ms/);
      if (mode === 'huge-headers') {
        expect(JSON.stringify(report.checks)).toMatch(/response headers exceeded the \d+-byte limit on a header block/);
      }
      if (mode === 'foreign-endpoints') {
        expect(report.setup.notes.join('\n')).toMatch(/CREDENTIALS WITHHELD/);
        expect(report.checks.find((check) => check.id === 'server.discovery.endpoints-resolvable')?.status).toBe(
          'failed',
        );
      }
    },
    120_000,
  );
});
