import { describe, expect, it } from 'vitest';
import { clientScenarios } from '../../suites/client/index.ts';
import { runAgainstReferenceClient } from './client-run.ts';

describe('the reference client passes the client suite', () => {
  it('passes every scenario through the MCP stdio driver', async () => {
    const report = await runAgainstReferenceClient();
    const notPassed = report.checks
      .filter((check) => check.status !== 'passed')
      .map((check) => `${check.id} (${check.status}): ${check.message}`);
    expect(notPassed, notPassed.join('\n')).toEqual([]);
    expect(report.checks).toHaveLength(clientScenarios.length);
    expect(report.exit_code).toBe(0);
  }, 300_000);
});
