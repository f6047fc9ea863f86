import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { runServerConformance } from '../../src/harness/session.ts';
import { throttledWaitSeconds } from '../../src/harness/throttle.ts';
import type { CheckResult, Exchange, ServerReport } from '../../src/model/index.ts';
import { SIMULATOR_PROFILE, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';

function throttled(headers: Record<string, string>, status: CheckResult['status'] = 'error'): CheckResult {
  const exchange: Exchange = {
    seq: 1,
    check: 'x',
    label: 'register',
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 1,
    request: { method: 'POST', url: 'http://127.0.0.1/agent/register', headers: {} },
    response: { status: 429, headers, body: '{}', body_bytes: 2, truncated: false },
  };
  return { id: 'server.registration.x', status, exchanges: [exchange] } as unknown as CheckResult;
}

describe('the wait before a throttled check runs again', () => {
  it('is what Retry-After asks, in seconds or as a date, or what x-retry-after asks', () => {
    expect(throttledWaitSeconds(throttled({ 'retry-after': '7' }), false)).toBe(7);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(throttledWaitSeconds(throttled({ 'retry-after': inTenSeconds }), false)).toBeGreaterThanOrEqual(9);
    expect(throttledWaitSeconds(throttled({ 'x-retry-after': '60' }), false)).toBe(60);
    expect(throttledWaitSeconds(throttled({}), false)).toBe(5);
  });

  it('is none for rate-limit probes, passed checks and checks that met no 429', () => {
    expect(throttledWaitSeconds(throttled({ 'retry-after': '1' }), true)).toBeUndefined();
    expect(throttledWaitSeconds(throttled({ 'retry-after': '1' }, 'passed'), false)).toBeUndefined();
    expect(throttledWaitSeconds({ ...throttled({}), exchanges: [] }, false)).toBeUndefined();
  });
});

/**
 * Checks that each need at most 5 requests (plus their cleanup): each fits a fresh window of the
 * limit below on its own, and together, one after another, they exceed it whatever the machine's speed.
 */
const FEW_REQUEST_CHECKS = [
  'server.registration.host-name-grants-nothing',
  'server.registration.active-grants-detailed',
  'server.registration.auto-approved-response',
  'server.registration.agent-exists-active',
  'server.registration.agent-exists-revoked',
];

/**
 * A deployment limiting requests per client address (as better-auth does): every request of the
 * run shares one budget, so successive checks exhaust it. The run slows down to the target's pace
 * instead of ending those checks in errors.
 */
describe('a run against a target limiting requests per address', () => {
  let simulator: RunningSimulator;
  const run = (throttleRetries: number): Promise<ServerReport> =>
    runServerConformance({
      toolVersion: packageJson.version,
      url: simulator.origin,
      controlUrl: simulator.controlUrl,
      embedded: false,
      profile: { profile: SIMULATOR_PROFILE, source: 'embedded' },
      checks: serverChecks,
      only: FEW_REQUEST_CHECKS,
      skip: [],
      strict: false,
      seed: 1,
      timeoutMs: 5000,
      concurrency: 1,
      headers: {},
      formats: [],
      throttleRetries,
    });
  const errors = (report: ServerReport) => report.checks.filter((check) => check.status === 'error');
  const rerun = (report: ServerReport) =>
    report.checks.filter((check) => check.notes.some((note) => note.startsWith('throttled:')));

  // A simulator of its own per run: the previous run's requests must not count against the next.
  beforeEach(async () => {
    simulator = await startSimulator({ rateLimit: { limit: 8, windowSeconds: 3, scope: 'address' } });
  });
  afterEach(() => simulator?.stop());

  it('runs every throttled check again after the wait, so none ends in an error', async () => {
    const report = await run(3);
    expect(rerun(report).length).toBeGreaterThan(0);
    expect(errors(report).map((check) => `${check.id}: ${check.message}`)).toEqual([]);
    expect(report.summary.counts.failed).toBe(0);
  }, 60_000);

  it('without re-runs, ends the throttled checks in precondition errors naming the 429', async () => {
    const report = await run(0);
    expect(rerun(report)).toEqual([]);
    expect(errors(report).length).toBeGreaterThan(0);
    for (const check of errors(report)) expect(check.message).toMatch(/429|rate-limited/);
  }, 60_000);
});
