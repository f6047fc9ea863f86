import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE, certify } from '../../examples/better-auth/certify.ts';
import { loadBaseline, type Baseline } from '../../src/harness/baseline.ts';
import { ReportSchema, type Report } from '../../src/model/index.ts';

/**
 * The whole server suite against the better-auth reference target, judged against the target's
 * baseline of known deviations: a new failure, a listed check that now passes, a listed check that no
 * longer reaches a verdict, or an unlisted warning all show up here, whichever side changed.
 */
describe('the server suite against better-auth with @better-auth/agent-auth', () => {
  let out: string;
  let report: Report;
  let baseline: Baseline;
  const log: string[] = [];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-better-auth-'));
    baseline = await loadBaseline(BASELINE);
    // Eight checks at once rather than the four the harness picks for a loopback target: most of the
    // run is checks waiting out status polls (the expiry deviation), not work. 28 s instead of 48 s.
    const code = await certify({ out, quiet: true, concurrency: 8, stderr: (line) => log.push(line) });
    report = ReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(code, log.join('\n')).toBe(report.exit_code);
  }, 120_000);

  afterAll(() => rm(out, { recursive: true, force: true }));

  const listed = () => new Set(baseline.expected_failures.map((entry) => entry.check));
  const describeResult = (id: string) => {
    const result = report.checks.find((check) => check.id === id);
    return `${id} [${result?.status}] ${result?.message?.split('\n')[0]?.slice(0, 200) ?? ''}`;
  };

  it('sets up against the target and its control adapter, with no harness error', () => {
    expect(report.setup.ok, report.setup.error).toBe(true);
    expect(report.setup.control?.supports).toContain('approve');
    // Errors only for broken preconditions: steps owned by a check that fails on its own (the
    // baseline lists it), e.g. status still "active" after the operator ran out the session clock.
    const errors = report.checks
      .filter((check) => check.status === 'error' && !check.message?.startsWith('precondition:'))
      .map((check) => describeResult(check.id));
    expect(errors).toEqual([]);
  });

  it('fails no check the baseline does not list', () => {
    expect(report.baseline?.new_failures.map(describeResult)).toEqual([]);
    const unlisted = report.checks.filter(
      (check) => (check.status === 'warning' || check.status === 'info') && !listed().has(check.id),
    );
    expect(
      unlisted.map((check) => describeResult(check.id)),
      'warnings and informational findings the baseline does not list',
    ).toEqual([]);
  });

  it('still sees every deviation the baseline lists', () => {
    expect(
      report.baseline?.fixed.map((entry) => describeResult(entry.check)),
      'now passing: remove from the baseline',
    ).toEqual([]);
    expect(
      report.baseline?.stale.map((entry) => entry.check),
      'listed checks the suite no longer defines',
    ).toEqual([]);
    expect(
      report.baseline?.unverified.map((entry) => describeResult(entry.check)),
      'listed checks that reached no verdict',
    ).toEqual([]);
    expect(report.baseline?.ok).toBe(true);
    expect(report.exit_code).toBe(0);
  });

  it('runs with the declared agent-JWT issuer workaround, whose deviation its own check still fails', async () => {
    expect(report.workarounds.map((workaround) => `${workaround.name}: ${workaround.value}`)).toEqual([
      'agentJwtIssuer: host-id',
    ]);
    expect(describeResult('server.jwt.agent.execute.thumbprint-iss-accepted')).toMatch(/\[failed\]/);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('Workarounds active (1)');
    expect(log.some((line) => line.startsWith('WORKAROUNDS ACTIVE (1)'))).toBe(true);
  });

  it('writes report.json, report.md and report.html, and FINDINGS.md with every finding analysed', async () => {
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('# Agent Auth conformance — server');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('server.discovery.schema');
    const findings = await readFile(join(out, 'FINDINGS.md'), 'utf8');
    expect(findings).toContain('## Deviations');
    expect(findings).not.toMatch(/not yet analysed/i);
  });
});
