import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { runServerConformance } from '../../src/harness/session.ts';
import type { Report, ServerReport } from '../../src/model/index.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';
import { SELFTEST_SEED } from './simulated-run.ts';

/**
 * A run leaves a live server as it found it: the server suite runs twice in a row against one
 * simulator, reached as a stranger would reach it (--url and --control-url, no profile), and both
 * runs reach the same verdict on every check. Between them nothing resets the simulator: the
 * harness's own cleanup (revocation of what checks registered, restoring what they removed through
 * the operator hook) is what makes the second run meet the server the first one met.
 *
 * Declared from simulator-passes.test.ts, which hands over its run of the default set-up (the one
 * `server --embedded` runs) rather than this file running the whole suite a third time.
 */
let simulator: RunningSimulator;
const runs: ServerReport[] = [];
/** The capabilities a host saw (in the first run's setup listing, and in the second's). */
const listed = (report: ServerReport) =>
  report.setup.notes.find((note) => note.startsWith('capabilities listed:'))?.replace(/^.*with a host JWT /, '');

function runOverUrl(): Promise<ServerReport> {
  return runServerConformance({
    toolVersion: packageJson.version,
    url: simulator.origin,
    controlUrl: simulator.controlUrl,
    embedded: false,
    checks: serverChecks,
    only: [],
    skip: [],
    strict: false,
    seed: SELFTEST_SEED,
    timeoutMs: 5000,
    headers: {},
    formats: [],
  });
}

/** The per-user agent cap Better Auth deploys with by default: a run that cleans up never meets it. */
const AGENT_LIMIT = 25;

/**
 * Declares the tests; `embeddedRun` is the same simulator set-up run as `server --embedded` runs it:
 * in-process, with the simulator's profile.
 */
export function describeRunTwice(embeddedRun: () => Promise<Report>): void {
  describe('the server suite run twice against one live server', () => {
    let embedded: Report;

    beforeAll(async () => {
      simulator = await startSimulator({ maxActiveAgentsPerUser: AGENT_LIMIT });
      runs.push(await runOverUrl());
      runs.push(await runOverUrl());
      embedded = await embeddedRun();
    }, 240_000);

    afterAll(async () => {
      await simulator?.stop();
    });

    it('reaches the same verdict on every check', () => {
      const [first, second] = runs as [ServerReport, ServerReport];
      const verdicts = (report: ServerReport) => report.checks.map((check) => `${check.id}: ${check.status}`);
      expect(verdicts(second)).toEqual(verdicts(first));
      expect(first.summary.counts.failed + first.summary.counts.error).toBe(0);
    });

    it('puts back every capability a check removed through the operator hook', () => {
      const [first, second] = runs as [ServerReport, ServerReport];
      expect(first.checks.find((check) => check.id === 'server.execution.removed-capability.refused')?.status).toBe(
        'passed',
      );
      expect(listed(second)).toBe(listed(first));
    });

    it(`never meets a per-user cap of ${AGENT_LIMIT} live agents`, () => {
      const limited = runs.flatMap((report) =>
        report.checks
          .filter((check) => JSON.stringify(check).includes('agent_limit_reached'))
          .map((check) => `${check.id}: ${check.status} ${check.message ?? ''}`),
      );
      expect(limited).toEqual([]);
    });

    it('moves the clock back to real time after the check that advanced it', () => {
      const [first] = runs as [ServerReport];
      expect(
        first.checks.find((check) => check.id === 'server.lifecycle.session.agent-requests-extend-ttl')?.status,
      ).toBe('passed');
      expect(simulator.clock.offsetSeconds()).toBe(0);
    });

    it('leaves nothing behind that it could not clean up', () => {
      const leftovers = runs.flatMap((report) =>
        report.checks.flatMap((check) =>
          check.notes.filter((note) => note.startsWith('cleanup:')).map((note) => `${check.id}: ${note}`),
        ),
      );
      expect(leftovers).toEqual([]);
    });

    it('learns every capability role from what an authenticated host sees and from using them once', () => {
      const notes = (runs[0] as ServerReport).setup.notes.join('\n');
      expect(notes).toMatch(/with a host JWT/);
      expect(notes).toMatch(/capability probe executed each granted capability once/);
      expect(notes).toMatch(
        /capability roles filled: sync, with-input, constrainable, second, async, stream, highRisk/,
      );
      expect(notes).toMatch(/failing arguments for the async capability .*control hook's fixtures/);
    });

    it('leaves exactly the checks not applicable that the embedded run (with its profile) leaves', () => {
      const notApplicable = (report: Report) =>
        report.checks.filter((check) => check.status === 'not-applicable').map((check) => check.id);
      expect(notApplicable(runs[0] as ServerReport)).toEqual(notApplicable(embedded));
    });
  });
}
