import fc from 'fast-check';

/**
 * Generators for values at and next to a limit (a skew cap, a token lifetime, a constraint bound).
 * A value is one of the given points plus a small offset. fast-check shrinks the offset toward zero
 * and the point toward the first one listed, so a falsified case ends on the limit itself or on the
 * nearest value that still fails, which is the value a report reader wants to see.
 */

export interface NearBoundaryOptions {
  /** Largest whole-number step below a point (0: never below). */
  below: number;
  /** Largest whole-number step above a point (0: never above). */
  above: number;
  /**
   * Offsets that are not whole numbers (e.g. ±0.5, ±0.001), drawn now and then next to the
   * whole-number steps: the near misses a server that rounds or truncates gets wrong.
   */
  fractions?: readonly number[];
  /** How many times as often whole steps are drawn as fractions (default 3). */
  wholeWeight?: number;
}

const DEFAULT_WHOLE_WEIGHT = 3;

/** An offset from a limit: whole steps in [-below, above] (shrinking to 0), now and then a fraction. */
export function boundaryOffset(options: NearBoundaryOptions): fc.Arbitrary<number> {
  const below = Math.max(0, Math.floor(options.below));
  const above = Math.max(0, Math.floor(options.above));
  const whole = fc.integer({ min: -below, max: above });
  const fractions = options.fractions ?? [];
  if (fractions.length === 0) return whole;
  return fc.oneof(
    { arbitrary: whole, weight: Math.max(1, Math.floor(options.wholeWeight ?? DEFAULT_WHOLE_WEIGHT)) },
    { arbitrary: fc.constantFrom(...fractions), weight: 1 },
  );
}

/** Values at and around `points`: one of them plus a boundaryOffset. */
export function nearBoundary(points: readonly number[], options: NearBoundaryOptions): fc.Arbitrary<number> {
  if (points.length === 0) throw new Error('nearBoundary needs at least one boundary point');
  return fc.tuple(fc.constantFrom(...points), boundaryOffset(options)).map(([point, offset]) => point + offset);
}
