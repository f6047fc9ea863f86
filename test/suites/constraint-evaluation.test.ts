import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAtLeastAsTight, satisfies } from '../../suites/server/constraints/evaluate.ts';

describe('satisfies', () => {
  it('treats min and max as inclusive bounds', () => {
    expect(satisfies({ min: 10, max: 20 }, 10)).toBe(true);
    expect(satisfies({ min: 10, max: 20 }, 20)).toBe(true);
    expect(satisfies({ min: 10, max: 20 }, 9)).toBe(false);
    expect(satisfies({ min: 10, max: 20 }, 21)).toBe(false);
    expect(satisfies({ max: 20 }, '5')).toBe(false);
  });

  it('reads in, not_in and exact values', () => {
    expect(satisfies({ in: ['USD', 'EUR'] }, 'EUR')).toBe(true);
    expect(satisfies({ in: ['USD', 'EUR'] }, 'GBP')).toBe(false);
    expect(satisfies({ not_in: ['GBP'] }, 'USD')).toBe(true);
    expect(satisfies({ not_in: ['GBP'] }, 'GBP')).toBe(false);
    expect(satisfies('acc_456', 'acc_456')).toBe(true);
    expect(satisfies('acc_456', 'acc_457')).toBe(false);
  });

  it('cannot judge unknown operators', () => {
    expect(satisfies({ max: 5, regex: 'x' }, 1)).toBeUndefined();
  });
});

describe('isAtLeastAsTight', () => {
  it('accepts equal and narrower constraints', () => {
    expect(isAtLeastAsTight({ min: 0, max: 100 }, { min: 0, max: 100 })).toBe(true);
    expect(isAtLeastAsTight({ min: 10, max: 50 }, { min: 0, max: 100 })).toBe(true);
    expect(isAtLeastAsTight({ in: ['USD'] }, { in: ['USD', 'EUR'] })).toBe(true);
    expect(isAtLeastAsTight({ not_in: ['GBP', 'JPY'] }, { not_in: ['GBP'] })).toBe(true);
    expect(isAtLeastAsTight(50, { max: 100 })).toBe(true);
    expect(isAtLeastAsTight({ in: [20, 30] }, { max: 100 })).toBe(true);
    expect(isAtLeastAsTight({ in: ['acc_1'] }, 'acc_1')).toBe(true);
  });

  it('refuses wider or missing bounds', () => {
    expect(isAtLeastAsTight({ max: 10_000 }, { min: 0, max: 100 })).toBe(false);
    expect(isAtLeastAsTight({ min: 0, max: 200 }, { max: 100 })).toBe(false);
    expect(isAtLeastAsTight({ in: ['USD', 'GBP'] }, { in: ['USD', 'EUR'] })).toBe(false);
    expect(isAtLeastAsTight({}, { not_in: ['GBP'] })).toBe(false);
    expect(isAtLeastAsTight('acc_2', 'acc_1')).toBe(false);
  });

  it('never calls a granted range tight when it admits a value the request refuses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: -60, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (min, span, gMin, gSpan) => {
          const requested = { min, max: min + span };
          const granted = { min: gMin, max: gMin + gSpan };
          if (!isAtLeastAsTight(granted, requested)) return;
          for (let value = gMin; value <= gMin + gSpan; value += 1) expect(satisfies(requested, value)).toBe(true);
        },
      ),
    );
  });
});
