import { describe, expect, it } from 'vitest';
import { createSimClock } from '../../src/sim/clock.ts';
import { findViolations, intersectConstraints } from '../../src/sim/constraints.ts';
import { RateLimiter } from '../../src/sim/rate-limit.ts';
import { ReplayCache } from '../../src/sim/replay-cache.ts';
import { SIMULATOR_PROFILE } from '../../src/sim/sim-profile.ts';
import { DEMO_CAPABILITIES } from '../../src/sim/capabilities.ts';

describe('SimClock', () => {
  it('follows its base time plus an offset that advance() grows and reset() drops', () => {
    let base = 1_000_000;
    const clock = createSimClock(() => base);
    expect(clock.now()).toBe(1_000_000);
    clock.advance(90);
    expect(clock.nowSeconds()).toBe(1090);
    base += 5000;
    expect(clock.now()).toBe(1_095_000);
    expect(clock.offsetSeconds()).toBe(90);
    clock.reset();
    expect(clock.now()).toBe(1_005_000);
    expect(() => clock.advance(Number.NaN)).toThrow();
  });
});

describe('ReplayCache (AAP-4.6-02, AAP-8.2-05)', () => {
  it('remembers a jti until exp plus retention, per identity', () => {
    let base = 1_000_000_000;
    const clock = createSimClock(() => base);
    const cache = new ReplayCache(clock, 30);
    const exp = clock.nowSeconds() + 60;
    cache.record('agent:a', 'j1', exp);
    expect(cache.seen('agent:a', 'j1')).toBe(true);
    expect(cache.seen('agent:b', 'j1')).toBe(false);
    base += 89_000;
    expect(cache.seen('agent:a', 'j1')).toBe(true);
    base += 2000;
    expect(cache.seen('agent:a', 'j1')).toBe(false);
  });
});

describe('RateLimiter (AAP-8.13-01)', () => {
  it('allows `limit` requests per window and tells how long to wait', () => {
    let base = 0;
    const limiter = new RateLimiter(
      createSimClock(() => base),
      { limit: 2, windowSeconds: 10 },
    );
    expect(limiter.take('x').allowed).toBe(true);
    expect(limiter.take('x').allowed).toBe(true);
    expect(limiter.take('x')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('y').allowed).toBe(true);
    base = 10_000;
    expect(limiter.take('x').allowed).toBe(true);
  });
});

describe('constraints (§2.13)', () => {
  it('AAP-2.13-OP.max AAP-2.13-OP.min AAP-2.13-OP.in AAP-2.13-OP.not_in: evaluates every operator and exact values', () => {
    const constraints = {
      amount: { min: 0, max: 1000 },
      currency: { in: ['USD', 'EUR'] },
      country: { not_in: ['XX'] },
      destination: 'acc_1',
    };
    expect(findViolations(constraints, { amount: 10, currency: 'USD', country: 'DE', destination: 'acc_1' })).toEqual(
      [],
    );
    expect(findViolations(constraints, { amount: '10', currency: 'GBP', country: 'XX' }).map((v) => v.field)).toEqual([
      'amount',
      'currency',
      'country',
      'destination',
    ]);
    expect(findViolations(constraints, {})[3]).toEqual({ field: 'destination', constraint: 'acc_1', actual: null });
    expect(findViolations({ amount: { max: 5 } }, { amount: 9 }, new Set(['max']))).toEqual([]);
  });

  it('AAP-2.13-03: intersection takes the tightest bound and never widens', () => {
    expect(intersectConstraints({ amount: { max: 500 } }, { amount: { max: 10_000 } })).toEqual({
      ok: true,
      constraints: { amount: { max: 500 } },
    });
    expect(intersectConstraints({ amount: { max: 50_000, min: 5 } }, { amount: { max: 10_000 } })).toEqual({
      ok: true,
      constraints: { amount: { min: 5, max: 10_000 } },
    });
    expect(intersectConstraints(undefined, { amount: { max: 10 } })).toEqual({
      ok: true,
      constraints: { amount: { max: 10 } },
    });
    expect(intersectConstraints({ currency: { in: ['USD', 'EUR'] } }, { currency: { in: ['EUR', 'GBP'] } })).toEqual({
      ok: true,
      constraints: { currency: { in: ['EUR'] } },
    });
    expect(intersectConstraints({ amount: 20_000 }, { amount: { max: 10_000 } }).ok).toBe(false);
    expect(intersectConstraints({ amount: 200 }, { amount: { max: 10_000 } })).toEqual({
      ok: true,
      constraints: { amount: 200 },
    });
    expect(intersectConstraints({ amount: { min: 20_000 } }, { amount: { max: 10_000 } }).ok).toBe(false);
    expect(intersectConstraints(undefined, undefined)).toEqual({ ok: true, constraints: undefined });
  });
});

describe('SIMULATOR_PROFILE', () => {
  it('names only capabilities the simulator offers, with the matching interaction modes', () => {
    const byName = new Map(DEMO_CAPABILITIES.map((c) => [c.name, c]));
    expect(byName.get(SIMULATOR_PROFILE.sync)?.mode).toBe('sync');
    expect(byName.get(SIMULATOR_PROFILE.async)?.mode).toBe('async');
    expect(byName.get(SIMULATOR_PROFILE.stream)?.mode).toBe('stream');
    expect(byName.get(SIMULATOR_PROFILE.highRisk)?.highRisk).toBe(true);
    expect(byName.has(SIMULATOR_PROFILE['with-input'])).toBe(true);
    expect(byName.has(SIMULATOR_PROFILE.second)).toBe(true);
    const transfer = byName.get(SIMULATOR_PROFILE.constrainable.name);
    expect(transfer).toBeDefined();
    expect(JSON.parse(JSON.stringify(SIMULATOR_PROFILE))).toEqual(SIMULATOR_PROFILE);
  });
});
