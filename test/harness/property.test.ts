import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/model/index.ts';
import { Fail, Skip } from '../../src/harness/outcome.ts';
import {
  checkProperty,
  counterexampleJson,
  MAX_RUNS,
  propertySeed,
  type PropertyContext,
} from '../../src/harness/property.ts';

interface FakeContext extends PropertyContext {
  notes: string[];
  /** Records a request the way the HTTP session would (only `seq` matters here). */
  request(): void;
}

function fakeContext(seed = 42, checkId = 'server.test.property'): FakeContext {
  const exchanges: Exchange[] = [];
  const notes: string[] = [];
  return {
    checkId,
    seed,
    exchanges,
    notes,
    fail(message: string): never {
      throw new Fail(message);
    },
    note(message: string) {
      notes.push(message);
    },
    request() {
      exchanges.push({ seq: exchanges.length + 1 } as Exchange);
    },
  };
}

async function drawn(t: PropertyContext, numRuns = 5): Promise<number[]> {
  const values: number[] = [];
  await checkProperty(
    t,
    [fc.integer()],
    async (value) => {
      values.push(value);
    },
    { numRuns },
  );
  return values;
}

async function failureOf(run: () => Promise<void>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the property to fail');
}

describe('seeding', () => {
  it('derives the fast-check seed from the run seed and the check id, deterministically', () => {
    expect(propertySeed(42, 'a')).toBe(propertySeed(42, 'a'));
    expect(propertySeed(42, 'a')).not.toBe(propertySeed(43, 'a'));
    expect(propertySeed(42, 'a')).not.toBe(propertySeed(42, 'b'));
    expect(Number.isInteger(propertySeed(-7, 'x'))).toBe(true);
    expect(propertySeed(2 ** 40, 'x') | 0).toBe(propertySeed(2 ** 40, 'x'));
  });

  it('draws the same cases for the same run seed and different ones for another seed', async () => {
    const first = await drawn(fakeContext(42));
    expect(await drawn(fakeContext(42))).toEqual(first);
    expect(await drawn(fakeContext(43))).not.toEqual(first);
    expect(await drawn(fakeContext(42, 'server.other.property'))).not.toEqual(first);
  });

  it('caps the number of cases', async () => {
    expect(await drawn(fakeContext(), 1000)).toHaveLength(MAX_RUNS);
    expect(await drawn(fakeContext(), 0)).toHaveLength(1);
  });
});

describe('a falsified property', () => {
  it('fails the check with the verdict, the shrunk counterexample, the run count, seed and path', async () => {
    const t = fakeContext(42);
    const error = await failureOf(() =>
      checkProperty(
        t,
        [fc.integer({ min: 0, max: 1000 }), fc.constantFrom('a', 'b')],
        async (amount, label) => {
          t.request();
          t.request();
          if (amount > 10)
            t.fail(`execute with amount=${amount} (${label}): expected 403 constraint_violated, got 200`);
        },
        { numRuns: 10 },
      ),
    );
    expect(error).toBeInstanceOf(Fail);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('execute with amount=11 (a): expected 403 constraint_violated, got 200');
    expect(lines[1]).toMatch(
      /^property falsified by generated case \d+ of 10, after \d+ shrinks?; counterexample: \[11,"a"\]$/,
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^reproduce with --seed 42 \\(fast-check seed ${propertySeed(42, t.checkId)}, path "[0-9:]+"\\); requests of the failing case: exchanges #\\d+-#\\d+$`,
      ),
    );
    const [, first, last] = /exchanges #(\d+)-#(\d+)$/.exec(lines[2] as string) ?? [];
    expect(Number(last) - Number(first)).toBe(1);
    expect(Number(last)).toBeLessThanOrEqual(t.exchanges.length);
  });

  it('reports the same counterexample and path when the run is repeated with the same seed', async () => {
    const run = async (): Promise<string> => {
      const t = fakeContext(7);
      const error = await failureOf(() =>
        checkProperty(t, [fc.array(fc.nat(50))], async (values) => {
          if (values.reduce((a, b) => a + b, 0) > 60) t.fail('sum too large');
        }),
      );
      return error.message;
    };
    const message = await run();
    expect(message).toContain('counterexample: ');
    expect(await run()).toBe(message);
  });

  it('stops shrinking against the target after the shrink budget', async () => {
    const t = fakeContext(3);
    let runs = 0;
    let failedAt = 0;
    const error = await failureOf(() =>
      checkProperty(
        t,
        [fc.integer({ min: 0, max: 1_000_000 })],
        async (value) => {
          runs += 1;
          if (value > 5) {
            failedAt ||= runs;
            t.fail(`value ${value} too large`);
          }
        },
        { numRuns: 20, maxShrinkRuns: 2 },
      ),
    );
    expect(runs - failedAt).toBeLessThanOrEqual(2);
    expect(error.message).toContain('(shrinking stopped early at 2 shrink attempts)');
  });

  it('writes command sequences and other classes through their own toString', () => {
    class Step {
      constructor(private readonly name: string) {}
      toString(): string {
        return `step(${this.name})`;
      }
    }
    expect(counterexampleJson([new Step('a'), 3n, undefined, { x: NaN }])).toBe('["step(a)","3n",null,{"x":"NaN"}]');
    expect(counterexampleJson(undefined)).toBe('null');
  });
});

describe('other outcomes', () => {
  it('passes when every case holds and records nothing', async () => {
    const t = fakeContext();
    await checkProperty(t, [fc.nat()], async (value) => {
      if (value < 0) t.fail('negative');
    });
    expect(t.notes).toEqual([]);
  });

  it('rethrows a Skip at once, without shrinking or further cases', async () => {
    const t = fakeContext();
    let runs = 0;
    const error = await failureOf(() =>
      checkProperty(t, [fc.nat()], async () => {
        runs += 1;
        throw new Skip('server offers no control hook');
      }),
    );
    expect(error).toBeInstanceOf(Skip);
    expect(runs).toBe(1);
  });

  it('rethrows an unexpected error as it is (a harness error, not a falsified property)', async () => {
    const t = fakeContext();
    const error = await failureOf(() =>
      checkProperty(t, [fc.nat()], async () => {
        throw new TypeError('bug in the predicate');
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
  });

  it('lets fc.pre discard cases', async () => {
    const t = fakeContext();
    const seen: number[] = [];
    await checkProperty(t, [fc.nat(10)], async (value) => {
      fc.pre(value % 2 === 0);
      seen.push(value);
    });
    expect(seen.every((value) => value % 2 === 0)).toBe(true);
  });

  it('fails, without a counterexample, when the predicate discards too many cases', async () => {
    const t = fakeContext();
    const error = await failureOf(() =>
      checkProperty(
        t,
        [fc.nat()],
        async () => {
          fc.pre(false);
        },
        { numRuns: 4 },
      ),
    );
    expect(error).toBeInstanceOf(Fail);
    expect(error.message).toBe(
      'the property could not be judged (seed 42): more than 12 generated cases were discarded',
    );
  });

  it('notes a property cut short by the time limit', async () => {
    const t = fakeContext();
    await checkProperty(t, [fc.nat()], () => new Promise((resolve) => setTimeout(resolve, 40)), {
      numRuns: 20,
      timeLimitMs: 100,
    });
    expect(t.notes).toHaveLength(1);
    expect(t.notes[0]).toMatch(
      /^property checked on \d+ of 20 generated cases: generation stopped at the 100 ms time limit \(seed 42\)$/,
    );
  });

  it('fails when not a single case completes within the time limit', async () => {
    const t = fakeContext();
    const error = await failureOf(() =>
      checkProperty(t, [fc.nat()], () => new Promise((resolve) => setTimeout(resolve, 200)), { timeLimitMs: 20 }),
    );
    expect(error).toBeInstanceOf(Fail);
    expect(error.message).toContain('no generated case completed within the 20 ms time limit');
  });
});
