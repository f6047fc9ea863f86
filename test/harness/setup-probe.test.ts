import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { runServerConformance } from '../../src/harness/session.ts';
import type { ServerReport } from '../../src/model/index.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';

/**
 * --probe-capabilities over --url with no profile: the roles a description cannot tell (async,
 * stream, high-risk) are learnt by using the capabilities, so their checks run instead of being
 * not applicable, and the probe leaves no live agent behind.
 */
let simulator: RunningSimulator;
let report: ServerReport;

beforeAll(async () => {
  simulator = await startSimulator({});
  report = await runServerConformance({
    toolVersion: packageJson.version,
    url: simulator.origin,
    controlUrl: simulator.controlUrl,
    embedded: false,
    checks: serverChecks,
    only: [
      'server.execution.async.pending',
      'server.execution.stream',
      'server.approval.request-capability-high-risk-pending',
    ],
    skip: [],
    strict: false,
    seed: 1,
    timeoutMs: 5000,
    headers: {},
    formats: [],
    probeCapabilities: true,
  });
}, 60_000);

afterAll(async () => {
  await simulator?.stop();
});

describe('the capability probe of setup', () => {
  it('fills the async, stream and high-risk roles from what the capabilities did', () => {
    const notes = report.setup.notes.join('\n');
    expect(notes).toMatch(/capability probe executed each granted capability once: .*generate_report async/);
    expect(report.setup.profile).toMatchObject({
      async: 'generate_report',
      stream: 'stream_transactions',
      highRisk: 'transfer_international',
    });
    const status = (id: string) => report.checks.find((check) => check.id === id)?.status;
    expect(status('server.approval.request-capability-high-risk-pending')).toBe('passed');
    expect(status('server.execution.async.pending')).toBe('passed');
    expect(status('server.execution.stream')).toBe('passed');
  });

  it('revokes the probe host and its agents', () => {
    const revocations = report.setup.exchanges.filter((exchange) => exchange.label === 'revoke host');
    expect(revocations.map((exchange) => exchange.response?.status)).toEqual([200]);
    expect(report.setup.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  });
});
