import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/harness/check.ts';
import { satisfies } from '../../suites/server/constraints/evaluate.ts';
import {
  nearMissPlan,
  numericNearMisses,
  stringNearMisses,
  type Domain,
} from '../../suites/server/constraints/property.ts';
import {
  audienceNearMisses,
  audienceTargets,
  concurrentCopies,
  expiredBeyondCap,
  mutateUrl,
  timeCases,
  timeVerdict,
} from '../../suites/server/jwt/boundaries.ts';
import { concurrentRegistrations } from '../../suites/server/registration/concurrent.ts';

const SEED = 99;

describe('time boundaries of host and agent JWTs', () => {
  it('requires refusal only beyond the 30 s iat cap plus the margin', () => {
    expect(timeVerdict({ iat: 36, exp: 96 })).toBe('refuse');
    expect(timeVerdict({ iat: 35, exp: 95 })).toBe('either');
    expect(timeVerdict({ iat: 30, exp: 90 })).toBe('either');
  });

  it('requires acceptance only with iat and exp a margin inside and a lifetime of at most 60 s', () => {
    expect(timeVerdict({ iat: -5, exp: 55 })).toBe('accept');
    expect(timeVerdict({ iat: -55, exp: 5 })).toBe('accept');
    expect(timeVerdict({ iat: -56, exp: 4 })).toBe('either'); // exp within the margin
    expect(timeVerdict({ iat: -4, exp: 56 })).toBe('either'); // iat within the margin
    expect(timeVerdict({ iat: -5, exp: 56 })).toBe('either'); // 61 s lifetime: the spec sets servers no cap
    expect(timeVerdict({ iat: -90, exp: -30 })).toBe('either'); // expired: a skew allowance may take it
  });

  it('generates one token per limit with the verdict its label promises', () => {
    for (const cases of fc.sample(timeCases, { seed: SEED, numRuns: 200 })) {
      expect(timeVerdict(cases['iat past the skew cap']!)).toBe('refuse');
      expect(timeVerdict(cases['iat under the skew cap']!)).toBe('either');
      expect(timeVerdict(cases['exp just passed']!)).toBe('either');
      const ahead = cases['exp just ahead']!;
      expect(timeVerdict(ahead)).toBe(ahead.exp - ahead.iat <= 60 ? 'accept' : 'either');
      const lifetime = cases['lifetime around 60 s']!;
      expect(timeVerdict(lifetime)).toBe(lifetime.exp - lifetime.iat <= 60 ? 'accept' : 'either');
    }
  });

  it('hits the limits themselves: iat 36 s ahead, exp 5 s ahead, a 60 s lifetime, exp just now', () => {
    const samples = fc.sample(timeCases, { seed: SEED, numRuns: 300 });
    expect(samples.some((cases) => cases['iat past the skew cap']!.iat === 36)).toBe(true);
    expect(samples.some((cases) => cases['exp just ahead']!.exp === 5)).toBe(true);
    expect(
      samples.some((cases) => cases['lifetime around 60 s']!.exp - cases['lifetime around 60 s']!.iat === 60),
    ).toBe(true);
    expect(samples.some((cases) => cases['exp just passed']!.exp === 0)).toBe(true);
  });

  it('shrinks a server accepting iat up to 40 s ahead to the first refused offset, 41 s', () => {
    const details = fc.check(
      fc.property(timeCases, (cases) => cases['iat past the skew cap']!.iat <= 40),
      { seed: SEED, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect((details.counterexample?.[0] as Record<string, { iat: number }>)['iat past the skew cap']!.iat).toBe(41);
  });

  it('draws expired tokens strictly beyond 30 s plus the margin, with lifetimes up to 60 s', () => {
    for (const { exp, lifetime } of fc.sample(expiredBeyondCap, { seed: SEED, numRuns: 200 })) {
      expect(exp).toBeLessThanOrEqual(-36);
      expect(exp).toBeGreaterThanOrEqual(-44);
      expect(lifetime).toBeLessThanOrEqual(60);
    }
  });

  it('sends 2 to 4 copies of a token at once', () => {
    expect(new Set(fc.sample(concurrentCopies, { seed: SEED, numRuns: 100 }))).toEqual(new Set([2, 3, 4]));
    const registrations = fc.sample(concurrentRegistrations, { seed: SEED, numRuns: 100 });
    expect(new Set(registrations.map((c) => c.knownHost))).toEqual(new Set([true, false]));
  });
});

describe('audience near misses', () => {
  const discovery = {
    issuer: 'https://auth.example.com/api',
    default_location: 'https://auth.example.com/api/capability/execute',
    endpoints: { register: '/agent/register', status: '/agent/status', execute: '/capability/execute' },
  } as unknown as CheckContext['discovery'];
  const issuer = 'https://auth.example.com/api';

  it('turns URLs into near misses without normalising them', () => {
    expect(mutateUrl(issuer, 'trailing-slash', 'x')).toBe('https://auth.example.com/api/');
    expect(mutateUrl(`${issuer}/`, 'trailing-slash', 'x')).toBe(issuer);
    expect(mutateUrl(issuer, 'extra-segment', 'abc')).toBe('https://auth.example.com/api/abc');
    expect(mutateUrl(issuer, 'parent-path', 'x')).toBe('https://auth.example.com');
    expect(mutateUrl('http://127.0.0.1:4000', 'parent-path', 'x')).toBe('http://127.0.0.1:4000/..');
    expect(mutateUrl(issuer, 'other-port', 'x')).toBe('https://auth.example.com:444/api');
    expect(mutateUrl('http://127.0.0.1:4000', 'other-port', 'x')).toBe('http://127.0.0.1:4001');
    expect(mutateUrl(issuer, 'other-scheme', 'x')).toBe('http://auth.example.com/api');
  });

  it('lists the other URLs of the server: the bare origin, the issuer with a slash, default_location, endpoints', () => {
    const targets = audienceTargets({ discovery }, issuer, issuer);
    expect(targets.sameServer).toEqual(
      expect.arrayContaining([
        'https://auth.example.com/api/',
        'https://auth.example.com',
        'https://auth.example.com/',
        'https://auth.example.com/api/capability/execute',
        'https://auth.example.com/api/agent/register',
        'https://auth.example.com/api/agent/status',
      ]),
    );
    expect(targets.sameServer).not.toContain(issuer);
    expect(targets.bases[0]).toBe(issuer);
  });

  it('never draws an audience the endpoint accepts', () => {
    const location = 'https://auth.example.com/api/capability/execute';
    const targets = audienceTargets({ discovery }, issuer, location, [issuer]);
    expect(targets.sameServer).not.toContain(location);
    const drawn = fc.sample(audienceNearMisses(targets), { seed: SEED, numRuns: 500 });
    expect(drawn).not.toContain(location);
    expect(drawn).not.toContain(issuer);
    expect(drawn).toContain('https://auth.example.com/api/');
    expect(drawn).toContain('https://auth.example.com');
    expect(drawn.some((aud) => aud.startsWith('https://other-server.invalid'))).toBe(true);
    expect(drawn.some((aud) => aud.startsWith(`${location}/`))).toBe(true);
  });

  it('shrinks to the first other URL of the server, the issuer with a trailing slash', () => {
    const targets = audienceTargets({ discovery }, issuer, issuer);
    const details = fc.check(
      fc.property(audienceNearMisses(targets), () => false),
      { seed: SEED },
    );
    expect(details.counterexample).toEqual(['https://auth.example.com/api/']);
  });
});

describe('constraint near misses', () => {
  const domain: Domain = {
    role: {
      name: 'transfer_money',
      numericField: 'amount',
      stringField: 'currency',
      exactField: 'destination_account',
    },
    values: {
      args: { amount: 10, currency: 'USD', destination_account: 'acc_456' },
      number: 10,
      string: 'USD',
      exactField: 'destination_account',
      exact: 'acc_456',
    },
    base: 10,
    strings: ['USD', 'USD-b', 'USD-c'],
    exacts: ['acc_456', 'acc_456-other'],
  };

  it('makes strings one edit away from the allowed one', () => {
    expect(stringNearMisses('USD')).toEqual(['usd', 'US', 'USDD']);
    expect(stringNearMisses('acc_456')).toEqual(['ACC_456', 'acc_45', 'acc_4566']);
    expect(stringNearMisses('7')).toEqual(['77']);
  });

  it('probes each bound on or inside it, a whole step outside and a fraction of a step outside', () => {
    const plan = nearMissPlan(
      domain,
      { form: 'range', lift: 2, span: 3, inside: [0, 1], outside: [1, 2], fraction: [0.001, 0.5] },
      { form: 'in', variant: 0 },
      true,
    );
    expect(plan.constraints).toEqual({ amount: { min: 12, max: 15 }, currency: { in: ['USD'] } });
    expect(plan.probes.filter((probe) => probe.field === 'amount').map((probe) => probe.value)).toEqual([
      12, 11, 11.999, 14, 17, 15.5,
    ]);
    expect(plan.probes.filter((probe) => probe.field === 'currency').map((probe) => probe.value)).toEqual([
      'usd',
      'USD',
    ]);
  });

  it('admits the starting arguments and breaks at most one requested constraint per probe', () => {
    const cases = fc
      .boolean()
      .chain((fractional) =>
        fc.tuple(
          fc.constant(fractional),
          numericNearMisses(fractional),
          fc.record({ form: fc.constantFrom('in' as const, 'not_in' as const, 'exact' as const), variant: fc.nat(2) }),
        ),
      );
    for (const [fractional, numeric, text] of fc.sample(cases, { seed: SEED, numRuns: 300 })) {
      const plan = nearMissPlan(domain, numeric, text, fractional);
      const broken = (args: Record<string, unknown>) =>
        Object.entries(plan.constraints).filter(([field, constraint]) => satisfies(constraint, args[field]) === false);
      expect(broken(plan.admitted)).toEqual([]);
      for (const probe of plan.probes) {
        const value = probe.value as number;
        if (probe.field === 'amount') expect(value).toBeGreaterThanOrEqual(domain.base);
        if (probe.field === 'amount' && !fractional) expect(Number.isInteger(value)).toBe(true);
        expect(broken({ ...plan.admitted, [probe.field]: probe.value }).length).toBeLessThanOrEqual(1);
      }
      // Every bound gets a probe just outside it.
      const outside = plan.probes.filter((probe) => broken({ ...plan.admitted, [probe.field]: probe.value }).length);
      expect(outside.length).toBeGreaterThanOrEqual((numeric.form === 'range' ? 2 : 1) * (fractional ? 2 : 1) + 1);
    }
  });
});
