import { describe, expect, it } from 'vitest';
import { chooseConcurrency, DISTANT_CONCURRENCY } from '../../src/harness/concurrency.ts';
import { DEFAULT_CONCURRENCY } from '../../src/harness/runner.ts';
import type { Exchange } from '../../src/model/index.ts';

const answered = (duration_ms: number) => ({ duration_ms, response: { status: 200 } }) as unknown as Exchange;

describe('the concurrency a run chooses for its target', () => {
  it('keeps the default for a nearby target and raises it for a distant one', () => {
    expect(chooseConcurrency(undefined, [2, 3, 1].map(answered)).concurrency).toBe(DEFAULT_CONCURRENCY);
    const distant = chooseConcurrency(undefined, [95, 120, 3].map(answered));
    expect(distant.concurrency).toBe(DISTANT_CONCURRENCY);
    expect(distant.note).toMatch(/median setup round trip of 95 ms/);
  });

  it('takes what the user gave, and the default when nothing was measured', () => {
    expect(chooseConcurrency(2, [200].map(answered)).concurrency).toBe(2);
    const unmeasured = [{ duration_ms: 900 } as unknown as Exchange];
    expect(chooseConcurrency(undefined, unmeasured).concurrency).toBe(DEFAULT_CONCURRENCY);
  });
});
