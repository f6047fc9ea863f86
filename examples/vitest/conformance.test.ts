/**
 * The server suite as a test in a project's own Vitest run. The simulator stands in for the server
 * under test here; point `url` (and `controlUrl`, `profile`) at a test deployment of yours instead.
 */
import { type Simulator, runServerSuite, startSimulator } from 'agent-auth-conformance';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: Simulator;
beforeAll(async () => {
  server = await startSimulator();
});
afterAll(() => server.close());

it('conforms to the Agent Auth Protocol', { timeout: 120_000 }, async () => {
  const report = await runServerSuite({
    url: server.url,
    controlUrl: server.controlUrl,
    profile: server.profile,
    only: ['server.discovery.*', 'server.capabilities.*'],
    out: 'reports/agent-auth',
    formats: ['junit', 'html'],
  });
  const failures = report.checks
    .filter((check) => check.status === 'failed' || check.status === 'error')
    .map((check) => `${check.id}: ${check.message}`);
  expect(failures).toEqual([]);
  expect(report.exit_code).toBe(0);
});
