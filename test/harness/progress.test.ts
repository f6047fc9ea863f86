import { describe, expect, it } from 'vitest';
import { closingLines, progressLine, summaryTable } from '../../src/harness/progress.ts';
import { activeWorkarounds } from '../../src/harness/workarounds.ts';
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

  it('names active workarounds with their reasons before the verdict', () => {
    expect(closingLines(sampleReport()).some((line) => line.includes('WORKAROUNDS'))).toBe(false);
    const lines = closingLines({ ...sampleReport(), workarounds: activeWorkarounds({ agentJwtIssuer: 'host-id' }) });
    const start = lines.findIndex((line) => line.startsWith('WORKAROUNDS ACTIVE (1)'));
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 1]).toMatch(/^ {2}agentJwtIssuer: host-id — agent JWTs minted by the harness carry/);
    expect(lines[start + 2]).toMatch(/^ {4}reason: the target refuses agent JWTs whose iss is the host key thumbprint/);
    expect(lines[start + 3]).toContain('server.jwt.agent.execute.thumbprint-iss-accepted');
    expect(lines.at(-1)).toBe('exit 1: conformance failures');
  });
});
