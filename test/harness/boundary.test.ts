import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOffset, nearBoundary } from '../../src/harness/boundary.ts';

const SEED = 1234;

describe('nearBoundary', () => {
  it('draws every boundary point itself, and nothing further from a point than the allowed steps', () => {
    const values = fc.sample(nearBoundary([30, 60], { below: 3, above: 2 }), { seed: SEED, numRuns: 400 });
    expect(values).toContain(30);
    expect(values).toContain(60);
    for (const value of values) {
      const near30 = value >= 27 && value <= 32;
      const near60 = value >= 57 && value <= 62;
      expect(near30 || near60, String(value)).toBe(true);
      expect(Number.isInteger(value)).toBe(true);
    }
    // Both sides of each point come up.
    expect(values.some((value) => value < 30)).toBe(true);
    expect(values.some((value) => value > 60)).toBe(true);
  });

  it('stays on one side of the point when the other side is 0 steps wide', () => {
    const values = fc.sample(nearBoundary([36], { below: 0, above: 6 }), { seed: SEED, numRuns: 200 });
    expect(Math.min(...values)).toBe(36);
    expect(Math.max(...values)).toBeLessThanOrEqual(42);
  });

  it('adds the fractional offsets now and then, as often as whole steps with wholeWeight 1', () => {
    const values = fc.sample(nearBoundary([10], { below: 1, above: 1, fractions: [0.5, -0.001], wholeWeight: 1 }), {
      seed: SEED,
      numRuns: 400,
    });
    expect(values).toContain(10.5);
    expect(values).toContain(9.999);
    const fractional = values.filter((value) => !Number.isInteger(value)).length;
    expect(fractional).toBeGreaterThan(120);
    expect(fractional).toBeLessThan(280);
  });

  it('shrinks a case failing everywhere to the first point itself', () => {
    const details = fc.check(
      fc.property(nearBoundary([30, 60], { below: 5, above: 5 }), () => false),
      { seed: SEED },
    );
    expect(details.counterexample).toEqual([30]);
  });

  it('shrinks a case failing past a limit to the first value past it', () => {
    // A server accepting up to 40 (the limit is 35) fails only at 41 and above.
    for (const seed of [1, 2, 3, 4, 5]) {
      const details = fc.check(
        fc.property(nearBoundary([36], { below: 0, above: 8 }), (value) => value <= 40),
        { seed, numRuns: 200 },
      );
      expect(details.failed).toBe(true);
      expect(details.counterexample).toEqual([41]);
    }
  });

  it('shrinks a failure around a later point to that point, not off it', () => {
    const details = fc.check(
      fc.property(nearBoundary([0, 100], { below: 2, above: 2 }), (value) => value < 99),
      { seed: SEED, numRuns: 200 },
    );
    expect(details.counterexample).toEqual([100]);
  });

  it('draws the same values from the same seed', () => {
    const arbitrary = nearBoundary([5, 55], { below: 6, above: 3, fractions: [0.5] });
    expect(fc.sample(arbitrary, { seed: 7, numRuns: 50 })).toEqual(fc.sample(arbitrary, { seed: 7, numRuns: 50 }));
    expect(fc.sample(arbitrary, { seed: 7, numRuns: 50 })).not.toEqual(fc.sample(arbitrary, { seed: 8, numRuns: 50 }));
  });

  it('refuses an empty list of points', () => {
    expect(() => nearBoundary([], { below: 1, above: 1 })).toThrow(/at least one/);
  });
});

describe('boundaryOffset', () => {
  it('is plain whole steps without fractions, shrinking to 0', () => {
    const values = fc.sample(boundaryOffset({ below: 2, above: 2 }), { seed: SEED, numRuns: 200 });
    expect(new Set(values)).toEqual(new Set([-2, -1, 0, 1, 2]));
    const details = fc.check(
      fc.property(boundaryOffset({ below: 2, above: 2 }), () => false),
      { seed: SEED },
    );
    expect(details.counterexample).toEqual([0]);
  });

  it('treats negative widths as 0', () => {
    const values = fc.sample(boundaryOffset({ below: -3, above: 0 }), { seed: SEED, numRuns: 20 });
    expect(new Set(values)).toEqual(new Set([0]));
  });
});
