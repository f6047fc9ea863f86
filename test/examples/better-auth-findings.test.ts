import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVIATIONS, UNJUDGED_CAUSES } from '../../examples/better-auth/analysis.ts';
import { BASELINE, DEFAULT_OUT, LIBRARY_DEFAULTS_OUT } from '../../examples/better-auth/certify.ts';
import { renderFindings, settingsOf } from '../../examples/better-auth/findings.ts';
import { serverChecks } from '../../suites/server/index.ts';
import { loadBaseline } from '../../src/harness/baseline.ts';
import type { ServerReport } from '../../src/model/index.ts';

/**
 * The published FINDINGS.md of both better-auth certifications are renderings of the published
 * report.json and the analysis, and the analysis explains every deviation the conformance run shows.
 */

async function published(dir: string): Promise<{ report: ServerReport; findings: string }> {
  const [json, findings] = await Promise.all(
    ['report.json', 'FINDINGS.md'].map((file) => readFile(join(dir, file), 'utf8')),
  );
  return { report: JSON.parse(json!) as ServerReport, findings: findings! };
}

const judged = (report: ServerReport) =>
  report.checks.filter((check) => check.status === 'failed' || check.status === 'warning' || check.status === 'info');

describe('better-auth findings', () => {
  it.each([
    ['conformance', DEFAULT_OUT],
    ['library-defaults', LIBRARY_DEFAULTS_OUT],
  ] as const)('publishes the %s FINDINGS.md as rendered from its report.json', async (settings, dir) => {
    expect(settingsOf(dir)).toBe(settings);
    const { report, findings } = await published(dir);
    expect(findings).toBe(renderFindings(report, settings));
    for (const check of judged(report)) expect(findings).toContain(`\`${check.id}\``);
  });

  it('claims every failed, warned or informational check of the conformance run by a deviation', async () => {
    const { report, findings } = await published(DEFAULT_OUT);
    const named = new Set(DEVIATIONS.flatMap((deviation) => Object.keys(deviation.checks)));
    expect(
      judged(report)
        .filter((check) => !named.has(check.id))
        .map((check) => check.id),
    ).toEqual([]);
    expect(findings).not.toContain('not yet analysed');
    expect(findings).not.toContain('Not yet analysed');
  });

  it('explains every check of the conformance run that reached no verdict', async () => {
    const { report } = await published(DEFAULT_OUT);
    const unexplained = report.checks.filter(
      (check) =>
        ['error', 'skipped', 'not-applicable'].includes(check.status) &&
        !UNJUDGED_CAUSES.some((entry) => entry.applies(check)),
    );
    expect(unexplained.map((check) => check.id)).toEqual([]);
  });

  it('names in the analysis every check the baseline lists, and only checks the suite has', async () => {
    const named = new Set(DEVIATIONS.flatMap((deviation) => Object.keys(deviation.checks)));
    const baseline = await loadBaseline(BASELINE);
    expect(baseline.expected_failures.map((entry) => entry.check).filter((id) => !named.has(id))).toEqual([]);
    const ids = new Set(serverChecks.map((check) => check.id));
    expect([...named].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('numbers the deviations 1 to n in order, as the prose refers to them', () => {
    expect(DEVIATIONS.map((deviation) => deviation.number)).toEqual(DEVIATIONS.map((_, index) => index + 1));
  });

  it('explains the library-defaults run by its rate limiter: most checks re-run at its pace, a few still throttled', async () => {
    const { report, findings } = await published(LIBRARY_DEFAULTS_OUT);
    const rerun = report.checks.filter((check) => check.notes.some((note) => note.startsWith('throttled:')));
    // A 429 of the target itself, or one the control adapter met for an operator step.
    const throttled = report.checks.filter(
      (check) =>
        check.exchanges.some((exchange) => exchange.response?.status === 429) ||
        /answered 429\b/.test(check.message ?? ''),
    );
    expect(rerun.length).toBeGreaterThan(report.summary.total / 4);
    expect(throttled.length).toBeLessThan(report.summary.total / 10);
    expect(findings).toContain('## Shared cause: the rate limiter');
    expect(findings).toContain(
      `${rerun.length} of the run's ${report.summary.total} checks met a \`429\` and ran again`,
    );
    expect(findings).toContain(`${throttled.length} checks (`);
  });
});
