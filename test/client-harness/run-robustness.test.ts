import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { createDriver } from '../../src/client-harness/drivers/index.ts';
import { runClientConformance } from '../../src/client-harness/run.ts';
import type { ClientReport } from '../../src/model/index.ts';
import { renderHtml } from '../../src/reports/html.ts';
import { renderJson } from '../../src/reports/json.ts';
import { renderJunit } from '../../src/reports/junit.ts';
import { renderMarkdown } from '../../src/reports/markdown.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { tsxCommand } from './helpers.ts';

/**
 * Nothing a client under test does may crash, hang or exhaust the client-certifying harness: a whole
 * run against a hostile client ends, within its deadlines, in a complete report in every format, and
 * the hostile client never earns a pass for a scenario that needs a working client.
 */
const SCENARIOS = clientScenarios.filter((scenario) =>
  ['client.discovery.fetch-before-use', 'client.registration.fields-forwarded', 'client.execution.sync'].includes(
    scenario.id,
  ),
);
const MODES = ['hang', 'crash', 'garbage', 'hang-at-start', 'flood-server', 'huge-result'] as const;

async function runAgainst(mode: (typeof MODES)[number], scenarios = SCENARIOS): Promise<ClientReport> {
  const driver = await createDriver({
    driver: 'mcp',
    command: tsxCommand('hostile-agent-client.ts'),
    env: [`HOSTILE_MODE=${mode}`, 'HOSTILE_ISSUER={issuer}'],
    killGraceMs: 300,
  });
  return runClientConformance({
    toolVersion: packageJson.version,
    driver,
    scenarios,
    only: [],
    skip: [],
    strict: false,
    seed: 1,
    callTimeoutMs: 1500,
    scenarioTimeoutMs: 4000,
    concurrency: 2,
    formats: [],
    recordExchanges: 'all',
    workarounds: [],
  });
}

describe('a client-certification run against a hostile client', () => {
  it('picks its three scenarios from the suite', () => expect(SCENARIOS).toHaveLength(3));

  for (const mode of MODES) {
    it(`survives a client that does "${mode}"`, async () => {
      const report = await runAgainst(mode);
      expect(report.checks.map((check) => check.id).sort()).toEqual(SCENARIOS.map((scenario) => scenario.id).sort());
      for (const check of report.checks) {
        expect(check.status, `${check.id}: ${check.message}`).not.toBe('passed');
        expect(check.message, check.id).toBeTruthy();
      }
      const json = renderJson(report);
      // Transcripts are capped: a 20 MB result must not reach the report whole.
      expect(json.length).toBeLessThan(5 * 1024 * 1024);
      expect(JSON.parse(json).kind).toBe('client');
      for (const render of [renderHtml, renderJunit, renderMarkdown]) expect(render(report).length).toBeGreaterThan(0);
      if (mode === 'hang-at-start') {
        for (const check of report.checks) expect(check.status, check.id).toBe('error');
      } else {
        expect(report.target.tools).toContain('connect_agent');
        expect(renderMarkdown(report)).toContain('`connect_agent`');
      }
    }, 60_000);
  }

  it('ends a scenario whose precondition never happened in error, not in a verdict', async () => {
    // The "flood-server" client answers every tool with {} and never registers: nothing to judge.
    const registrationOnly = clientScenarios.filter(
      (scenario) => scenario.id === 'client.security.no-private-key-in-registration',
    );
    const report = await runAgainst('flood-server', registrationOnly);
    expect(report.checks.map((check) => [check.status, check.message?.slice(0, 40)])).toEqual([
      ['error', 'precondition: a registration to judge (§'],
    ]);
  }, 60_000);
});
