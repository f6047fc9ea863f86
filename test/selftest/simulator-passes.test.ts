import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../src/model/index.ts';
import { describeRunTwice } from './run-twice.ts';
import { CONFIGURATION_NAMES, describeResults, runAgainstSimulator, type ConfigurationName } from './simulated-run.ts';

/** Statuses a conformant target may leave: a check that does not apply or cannot run here is no finding. */
const ACCEPTABLE = new Set<CheckResult['status']>(['passed', 'skipped', 'not-applicable']);
/** Time for a test waiting on its run, which may queue behind the other set-up's. */
const RUN_TIMEOUT_MS = 240_000;

const reports = new Map<ConfigurationName, Report>();

/**
 * The whole suite against the fault-free simulator, once per set-up, one set-up after the other. They
 * start before any test of the file and run alongside run-twice's runs (which wait mostly on sockets
 * and timers too); run-twice compares against the default set-up's run instead of making its own.
 */
let cleanRuns: Map<ConfigurationName, Promise<Report>> | undefined;

function cleanRun(configuration: ConfigurationName): Promise<Report> {
  cleanRuns ??= startCleanRuns();
  return cleanRuns.get(configuration) as Promise<Report>;
}

function startCleanRuns(): Map<ConfigurationName, Promise<Report>> {
  const started = new Map<ConfigurationName, Promise<Report>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const configuration of CONFIGURATION_NAMES) {
    const run = previous.then(() => runAgainstSimulator({ configuration }));
    // The tests await each run and report its failure; this only keeps it from counting as unhandled.
    previous = run.catch(() => undefined);
    started.set(configuration, run);
  }
  return started;
}

beforeAll(() => {
  cleanRun('default');
});

describeRunTwice(() => cleanRun('default'));

describe('the server suite against the fault-free simulator', () => {
  for (const configuration of CONFIGURATION_NAMES) {
    it(`passes every applicable check (${configuration} set-up)`, { timeout: RUN_TIMEOUT_MS }, async () => {
      const report = await cleanRun(configuration);
      reports.set(configuration, report);
      expect(report.setup.ok, report.setup.error).toBe(true);
      const offenders = report.checks.filter((result) => !ACCEPTABLE.has(result.status));
      if (offenders.length > 0)
        console.error(`[${configuration}] checks that did not pass:\n  ${describeResults(offenders).join('\n  ')}`);
      expect(describeResults(offenders)).toEqual([]);
      expect(report.exit_code).toBe(0);
      expect(report.summary.counts.passed).toBeGreaterThan(0);
    });
  }

  it('exercises every check in at least one set-up', () => {
    const finished = CONFIGURATION_NAMES.flatMap((name) => {
      const report = reports.get(name);
      return report ? [{ name, report }] : [];
    });
    if (finished.length !== CONFIGURATION_NAMES.length) return; // a set-up failed above; that failure says more
    const ran = new Set(
      finished.flatMap(({ report }) => report.checks.filter((r) => r.status === 'passed').map((r) => r.id)),
    );
    const idle = (finished[0]?.report.checks ?? []).filter((result) => !ran.has(result.id));
    const lines = idle.map((result) => {
      const why = finished.map(
        ({ name, report }) => `${name}: ${report.checks.find((r) => r.id === result.id)?.message ?? '?'}`,
      );
      return `${result.id} — ${why.join(' | ')}`;
    });
    expect(lines, 'checks no self-test set-up runs, so nothing proves they work').toEqual([]);
  });
});
