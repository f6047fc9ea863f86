import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, parseBaseline } from '../../src/harness/baseline.ts';
import type { CheckResult } from '../../src/model/index.ts';

function result(id: string, status: CheckResult['status']): CheckResult {
  return {
    id,
    title: id,
    area: 'jwt',
    requirements: [],
    rulings: [],
    level: 'MUST',
    status,
    notes: [],
    duration_ms: 1,
    exchange_count: 0,
    exchanges: [],
  };
}

describe('baseline', () => {
  it('validates the file shape', () => {
    expect(
      parseBaseline({ expected_failures: [{ check: 'a', comment: 'known' }] }, 'b.json').expected_failures,
    ).toHaveLength(1);
    expect(() => parseBaseline({ expected_failures: [{ id: 'a' }] }, 'b.json')).toThrow(BaselineError);
    expect(() => parseBaseline({ failures: [] }, 'b.json')).toThrow(BaselineError);
    expect(() => parseBaseline({ expected_failures: [{ check: 'a' }, { check: 'a' }] }, 'b.json')).toThrow(
      /more than once/,
    );
  });

  it('accepts known failures and passes the run', () => {
    const results = [result('a', 'failed'), result('b', 'passed'), result('w', 'warning')];
    const outcome = applyBaseline(
      { expected_failures: [{ check: 'a', comment: 'tracked' }, { check: 'w' }] },
      'b.json',
      results,
      new Set(['a', 'b', 'w']),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.known_failures.map((e) => e.check)).toEqual(['a', 'w']);
    expect(results[0]?.baseline).toBe('known-failure');
    expect(results[1]?.baseline).toBeUndefined();
  });

  it('fails the run on a new failure, a fixed entry or a stale entry', () => {
    const fresh = applyBaseline({ expected_failures: [] }, 'b.json', [result('a', 'failed')], new Set(['a']));
    expect(fresh).toMatchObject({ ok: false, new_failures: ['a'] });

    const results = [result('a', 'passed')];
    const fixed = applyBaseline({ expected_failures: [{ check: 'a' }] }, 'b.json', results, new Set(['a']));
    expect(fixed.ok).toBe(false);
    expect(fixed.fixed.map((e) => e.check)).toEqual(['a']);
    expect(results[0]?.baseline).toBe('fixed');

    const stale = applyBaseline({ expected_failures: [{ check: 'gone' }] }, 'b.json', [], new Set(['a']));
    expect(stale.ok).toBe(false);
    expect(stale.stale.map((e) => e.check)).toEqual(['gone']);
  });

  it('leaves entries without a verdict unverified, not failing', () => {
    const outcome = applyBaseline(
      { expected_failures: [{ check: 'skipped' }, { check: 'not-selected' }] },
      'b.json',
      [result('skipped', 'skipped')],
      new Set(['skipped', 'not-selected']),
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.unverified.map((e) => e.check)).toEqual(['skipped', 'not-selected']);
  });
});
