import { describe, expect, it } from 'vitest';
import { nonLoopbackAddress } from '../../src/sim/client-mode/extra-listeners.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { runAgainstReferenceClient } from './client-run.ts';

describe('the reference client passes the client suite', () => {
  it('passes every scenario through the MCP stdio driver', async () => {
    const report = await runAgainstReferenceClient();
    // A machine with no interface off loopback cannot serve the plain-http origin a scenario needs; it skips.
    const environmentSkip = (status: string) => status === 'skipped' && nonLoopbackAddress() === undefined;
    const notPassed = report.checks
      .filter((check) => check.status !== 'passed' && !environmentSkip(check.status))
      .map((check) => `${check.id} (${check.status}): ${check.message}`);
    expect(notPassed, notPassed.join('\n')).toEqual([]);
    expect(report.checks).toHaveLength(clientScenarios.length);
    expect(report.exit_code).toBe(0);
  }, 300_000);
});
