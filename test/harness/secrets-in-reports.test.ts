import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { runServerConformance } from '../../src/harness/session.ts';
import { REPORT_FORMATS, renderReports } from '../../src/reports/write.ts';
import { startSimulator } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';

/** Values a user passes with --header to reach a deployment: none may appear in any report. */
const SECRETS = {
  'X-Api-Key': 'sk-live-user-secret-1',
  Authorization: 'Bearer user-secret-2',
  'X-Gateway': 'user-secret-3',
};

describe('secrets given with --header', () => {
  it('never appear in any report format, though every request carried them', async () => {
    const simulator = await startSimulator({});
    try {
      const report = await runServerConformance({
        toolVersion: packageJson.version,
        url: simulator.origin,
        controlUrl: simulator.controlUrl,
        embedded: false,
        checks: serverChecks,
        only: ['server.discovery.*', 'server.capabilities.*', 'server.jwt.agent.execute.*'],
        skip: [],
        strict: false,
        seed: 1,
        timeoutMs: 5000,
        headers: SECRETS,
        formats: [],
        recordExchanges: 'all',
      });
      const sent = simulator.recorder.entries().filter((entry) => entry.headers['x-gateway'] === 'user-secret-3');
      expect(sent.length).toBeGreaterThan(10);
      for (const { file, text } of renderReports(report, REPORT_FORMATS)) {
        for (const secret of ['sk-live-user-secret-1', 'user-secret-2', 'user-secret-3']) {
          expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
        }
      }
      expect(renderReports(report, ['json'])[0]?.text).toContain('[redacted]');
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
