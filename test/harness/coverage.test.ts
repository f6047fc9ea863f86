import { describe, expect, it } from 'vitest';
import { buildCoverage } from '../../src/harness/coverage.ts';
import type { Requirement } from '../../src/catalogue/schema.ts';
import type { CheckResult } from '../../src/model/index.ts';

describe('coverage', () => {
  const requirement = (id: string): Requirement => ({
    id,
    section: '5.1',
    level: 'MUST',
    role: 'server',
    kind: 'statement',
    summary: 's',
    observable: 'black-box-server',
  });
  const result = (id: string, status: CheckResult['status'], requirements: string[]): CheckResult => ({
    id,
    title: id,
    area: 'discovery',
    requirements,
    rulings: [],
    level: 'MUST',
    status,
    notes: [],
    duration_ms: 0,
    exchange_count: 0,
    exchanges: [],
  });

  it('gives each requirement the worst verdict of the checks citing it', () => {
    const coverage = buildCoverage(
      'server',
      [
        result('a', 'passed', ['AAP-5.1-01', 'AAP-5.1-02']),
        result('b', 'failed', ['AAP-5.1-02']),
        result('c', 'warning', ['AAP-5.1-03']),
        result('d', 'skipped', ['AAP-5.1-04']),
        result('e', 'passed', ['AAP-9.9-99']),
      ],
      ['AAP-5.1-01', 'AAP-5.1-02', 'AAP-5.1-03', 'AAP-5.1-04', 'AAP-5.1-05'].map(requirement),
    );
    expect(coverage.requirements.map((r) => r.status)).toEqual(['passed', 'failed', 'warned', 'skipped', 'untested']);
    expect(coverage.requirements[1]?.checks).toEqual(['a', 'b']);
    expect(coverage.unknown_ids).toEqual([{ id: 'AAP-9.9-99', checks: ['e'] }]);
    expect(coverage.counts).toEqual({ passed: 1, failed: 1, warned: 1, skipped: 1, untested: 1 });
  });

  it('lists only cited ids when the catalogue is unavailable', () => {
    const coverage = buildCoverage('server', [result('a', 'passed', ['AAP-5.1-01'])], { error: 'missing' });
    expect(coverage.catalogue).toBe('unavailable');
    expect(coverage.catalogue_error).toBe('missing');
    expect(coverage.requirements.map((r) => r.id)).toEqual(['AAP-5.1-01']);
  });
});
