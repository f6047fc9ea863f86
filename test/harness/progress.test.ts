import { describe, expect, it } from 'vitest';
import { closingLines, progressLine, summaryTable } from '../../src/harness/progress.ts';
import { result, sampleReport } from '../reports/sample-report.ts';

describe('progress output', () => {
  it('prints one line per check with symbol, id, duration and reason', () => {
    expect(progressLine(result())).toBe('✗ server.jwt.rejects-alg-none (12 ms)  expected HTTP 401, got 200 <script>');
    expect(progressLine(result({ status: 'passed' }))).toBe('✓ server.jwt.rejects-alg-none (12 ms)');
  });

  it('prints a table by area and the verdict', () => {
    const report = sampleReport();
    const table = summaryTable(report).split('\n');
    expect(table[0]).toMatch(/^area\s+passed\s+failed\s+warning\s+info\s+skipped\s+not-applicable\s+error$/);
    expect(table.some((line) => /^discovery\s+1\s+0\s+1\s+0\s+0\s+0\s+0$/.test(line))).toBe(true);
    expect(table.at(-1)).toMatch(/^total\s+1\s+1\s+1\s+0\s+1\s+0\s+1$/);
    expect(closingLines(report).at(-1)).toBe('exit 1: conformance failures');
  });
});
