import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ServerReportSchema } from '../../src/model/index.ts';
import { HOSTILE_MODES, type HostileMode, startHostileServer } from './fixtures/hostile-server.ts';
import { PEAK_RSS_PRELOAD } from './fixtures/peak-rss.ts';

const run = promisify(execFile);

/**
 * The bound the issue sets on the harness's whole memory, read from the child's peak resident set
 * size (fixtures/peak-rss.ts). About 170 MB of it is the CLI loaded through tsx before any request.
 */
const MAX_PEAK_RSS_MB = 400;
/**
 * A fuse, not the criterion: a harness bug that allocates without end dies at 1 GB instead of taking
 * the CI machine's memory for the run's 25 s. It sits well above the RSS bound on purpose: the 384 MB
 * heap this test used to set made V8 collect early and hid part of what a user's run reaches (gzip-bomb
 * peaked at 284 MB RSS with it, 330-340 MB with a 1 GB heap or none), and that is what the bound is about.
 */
const HEAP_FUSE_MB = 1024;
const MAX_REPORT_BYTES = 50 * 1024 * 1024;

/**
 * The whole server suite against a target misbehaving in one way per mode, as a user would run it
 * (the CLI in a process of its own, short deadlines): the run ends with a verdict (1) or a setup
 * error (2), never a crash or an internal error; every report is written and the JSON one is a valid
 * report; peak RSS stays under 400 MB; no credential reaches the foreign origin.
 */
async function certify(mode: HostileMode) {
  const target = await startHostileServer(mode);
  const out = await mkdtemp(join(tmpdir(), `aac-hostile-${mode}-`));
  try {
    const rssFile = join(out, 'peak-rss');
    const args = [
      `--max-old-space-size=${HEAP_FUSE_MB}`,
      '--import',
      'tsx',
      '--import',
      PEAK_RSS_PRELOAD,
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
    const env = { ...process.env, PEAK_RSS_FILE: rssFile };
    const exitCode = await run(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
    const sizes = await Promise.all(
      ['report.json', 'report.html', 'junit.xml', 'summary.md'].map(async (file) => (await stat(join(out, file))).size),
    );
    const report = ServerReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    // maxRSS is in KiB (Node's documented unit on every platform).
    const peakRssMb = Math.round(Number(await readFile(rssFile, 'utf8')) / 1024);
    if (process.env['HOSTILE_PRINT_RSS']) process.stderr.write(`peak RSS ${mode}: ${peakRssMb} MB\n`);
    return { exitCode, sizes, report, peakRssMb, leaked: [...target.leaked] };
  } finally {
    await target.close();
    await rm(out, { recursive: true, force: true });
  }
}

describe('the harness against hostile targets', () => {
  it.concurrent.each(HOSTILE_MODES.map((mode) => [mode]))(
    '%s: a verdict or a setup error, every report written, bounded, peak RSS bounded, no credential off-origin',
    async (mode) => {
      const { exitCode, sizes, report, peakRssMb, leaked } = await certify(mode);
      expect([1, 2], `exit code ${exitCode}`).toContain(exitCode);
      expect(peakRssMb, `peak RSS ${peakRssMb} MB`).toBeLessThan(MAX_PEAK_RSS_MB);
      expect(report.exit_code).toBe(exitCode);
      expect(Math.max(...sizes)).toBeLessThan(MAX_REPORT_BYTES);
      expect(leaked).toEqual([]);
      // A header block that never ends is the per-request deadline's; one past Node's header limit is
      // named as such, not a bare "Headers Overflow Error".
      if (mode === 'slow-headers') expect(JSON.stringify(report.checks)).toMatch(/no complete response within 500 ms/);
      if (mode === 'huge-body') expect(JSON.stringify(report.checks)).toMatch(/too-large/);
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
