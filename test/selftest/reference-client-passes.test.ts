import { describe, expect, it } from 'vitest';
import { nonLoopbackAddress } from '../../src/sim/client-mode/extra-listeners.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { runAgainstReferenceClient } from './client-run.ts';

describe('the reference client passes the client suite', () => {
  it('passes every scenario through the MCP stdio driver', async () => {
    // Eight scenarios at a time (the runner's default is four): most of a scenario is the client's
    // own waiting (poll intervals, Retry-After), and a fault-free client only gets slower under load,
    // which no scenario holds against it.
    const report = await runAgainstReferenceClient({ concurrency: 8 });
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
