import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { closingLines } from '../../src/harness/progress.ts';
import { runServerConformance } from '../../src/harness/session.ts';
import { ranShare, type ServerReport } from '../../src/model/index.ts';
import { renderHtml } from '../../src/reports/html.ts';
import { renderMarkdown } from '../../src/reports/markdown.ts';
import { SIMULATOR_PROFILE, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';

/**
 * A run that skipped most of the suite (no control hook given) must say so wherever it reports its
 * verdict, never show a bare "conforming", and fail under --min-coverage.
 */
describe('verdicts of a run that skipped most checks', () => {
  let simulator: RunningSimulator;
  const run = (minCoverage?: number): Promise<ServerReport> =>
    runServerConformance({
      toolVersion: packageJson.version,
      url: simulator.origin,
      embedded: false,
      profile: { profile: SIMULATOR_PROFILE, source: 'embedded' },
      checks: serverChecks,
      only: ['server.lifecycle.*'],
      skip: [],
      strict: false,
      seed: 1,
      timeoutMs: 5000,
      headers: {},
      formats: [],
      ...(minCoverage !== undefined && { minCoverage }),
    });

  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator?.stop());

  it('says how much ran and why the rest was skipped, with no bare ✅', async () => {
    const report = await run();
    expect(report.exit_code).toBe(0);
    const { ran, share } = ranShare(report.summary);
    expect(share).toBeLessThan(0.5);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(`**Ran:** ${ran} of ${report.summary.total} checks ran;`);
    expect(markdown).toContain('most of the suite did not run');
    expect(markdown).not.toContain('✅');
    expect(markdown).toMatch(
      /## Skipped \(\d+\): why, and how to enable them\n\n- \d+ × needs the operator control hook/,
    );
    expect(renderHtml(report)).toContain('most of the suite did not run');
    const closing = closingLines(report).join('\n');
    expect(closing).toContain(`${ran} of ${report.summary.total} checks ran`);
    expect(closing).toMatch(/exit 0: no failure beyond the baseline among the checks that ran, but most of the suite/);
  });

  it('fails under --min-coverage, naming the shortfall', async () => {
    const report = await run(80);
    expect(report.exit_code).toBe(1);
    expect(report.setup.notes.join('\n')).toMatch(/coverage below --min-coverage: \d+ of \d+ applicable checks ran/);
    expect(report.options.min_coverage).toBe(80);
    expect((await run(1)).exit_code).toBe(0);
  });
});
