import fc from 'fast-check';
import type { CheckContext } from './check.ts';
import { Fail } from './outcome.ts';

/**
 * Runs a fast-check property inside a check. Every generated case talks to the target, so the
 * number of cases, the shrinking effort and the wall time are capped to end well inside the check
 * deadline, and the generator is seeded from the run seed so that `--seed` reproduces a run.
 */

/** What the helper needs of a check (a CheckContext has it all). */
export type PropertyContext = Pick<CheckContext, 'checkId' | 'seed' | 'exchanges' | 'fail' | 'note'>;

export interface PropertyOptions {
  /** Generated cases to run (1 to MAX_RUNS). */
  numRuns?: number;
  /** Generation and shrinking stop after this many ms (at most MAX_TIME_LIMIT_MS). */
  timeLimitMs?: number;
  /** Shrink candidates that are actually run against the target, at most; later ones count as passing. */
  maxShrinkRuns?: number;
  /** Runs after every case, whatever its outcome (e.g. revoking what the case registered). */
  afterEach?: () => Promise<void>;
}

export const MAX_RUNS = 20;
export const MAX_TIME_LIMIT_MS = 15_000;
const DEFAULT_RUNS = 10;
const DEFAULT_TIME_LIMIT_MS = 12_000;
const DEFAULT_MAX_SHRINK_RUNS = 40;
/** Cases a predicate may discard with fc.pre, per case run; a discarded case may already have cost requests. */
const MAX_SKIPS_PER_RUN = 3;

/** The fast-check seed of a check: the run seed mixed with the check id (FNV-1a), as a signed 32-bit integer. */
export function propertySeed(runSeed: number, checkId: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${runSeed}:${checkId}`) {
    hash ^= char.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** A failing case as the predicate saw it: the verdict and the sequence numbers of its requests. */
interface FailingCase {
  message: string;
  exchanges: number[];
}

/**
 * Checks that `predicate` holds for values drawn from `arbitraries`. The predicate judges the
 * target through the check API: a Fail (t.fail / t.expect...) falsifies the case and starts
 * shrinking; Skip, NotApplicable and any other error end the property at once and are rethrown
 * as they are, without shrinking. When falsified, the check fails with the shrunk counterexample.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  t: PropertyContext,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...values: Ts) => Promise<void>,
  options: PropertyOptions = {},
): Promise<void> {
  const numRuns = clamp(options.numRuns ?? DEFAULT_RUNS, 1, MAX_RUNS);
  const timeLimitMs = clamp(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, 1, MAX_TIME_LIMIT_MS);
  const maxShrinkRuns = Math.max(0, options.maxShrinkRuns ?? DEFAULT_MAX_SHRINK_RUNS);
  const seed = propertySeed(t.seed, t.checkId);

  let aborted: { error: unknown } | undefined;
  let failing: FailingCase | undefined;
  let shrinkRuns = 0;
  let shrinkBudgetSpent = false;

  const guarded = async (...values: Ts): Promise<void> => {
    if (aborted) return;
    if (failing) {
      // Shrinking: every candidate costs requests to the target.
      if (shrinkRuns >= maxShrinkRuns) {
        shrinkBudgetSpent = true;
        return;
      }
      shrinkRuns += 1;
    }
    const firstExchange = t.exchanges.length;
    try {
      await predicate(...values);
    } catch (error) {
      if (error instanceof Fail) {
        failing = {
          message: error.message,
          exchanges: t.exchanges.slice(firstExchange).map((exchange) => exchange.seq),
        };
        throw error;
      }
      if (fc.PreconditionFailure.isFailure(error)) throw error;
      aborted = { error };
    } finally {
      await options.afterEach?.().catch(() => undefined);
    }
  };
  const property = fc.asyncProperty<Ts>(...arbitraries, guarded);
  const details = await fc.check(property, {
    seed,
    numRuns,
    maxSkipsPerRun: MAX_SKIPS_PER_RUN,
    endOnFailure: false,
    plugins: [fc.interruptAfterTimeLimit(timeLimitMs)],
  });

  if (details.failed) {
    if (failing === undefined) {
      t.fail(
        details.interrupted
          ? `no generated case completed within the ${timeLimitMs} ms time limit (seed ${t.seed}): the target is too slow to judge the property`
          : `the property could not be judged (seed ${t.seed}): more than ${MAX_SKIPS_PER_RUN * numRuns} generated cases were discarded`,
      );
    }
    t.fail(
      describeFailure({
        runSeed: t.seed,
        seed: details.seed,
        path: details.counterexamplePath,
        numRuns: details.numRuns,
        requestedRuns: numRuns,
        numShrinks: details.numShrinks,
        counterexample: details.counterexample as readonly unknown[] | null,
        failing,
        shrinkingCut: details.interrupted
          ? `the ${timeLimitMs} ms time limit`
          : shrinkBudgetSpent
            ? `${maxShrinkRuns} shrink attempts`
            : undefined,
      }),
    );
  }
  if (aborted) throw aborted.error;
  if (details.interrupted) {
    t.note(
      `property checked on ${details.numRuns} of ${numRuns} generated cases: generation stopped at the ${timeLimitMs} ms time limit (seed ${t.seed})`,
    );
  }
}

interface FailureReport {
  /** The run seed (`--seed`). */
  runSeed: number;
  /** The fast-check seed derived from it. */
  seed: number;
  path: string | null;
  /** Cases run up to and including the first failing one. */
  numRuns: number;
  requestedRuns: number;
  numShrinks: number;
  /** The shrunk counterexample: the tuple of generated values. */
  counterexample: readonly unknown[] | null;
  /** The verdict of the last failing case (the shrunk one) and its requests. */
  failing: FailingCase;
  /** Why shrinking stopped early, if it did. */
  shrinkingCut: string | undefined;
}

/** The failure message of a falsified property: verdict, counterexample, and how to reproduce it. */
function describeFailure(report: FailureReport): string {
  const shrinks = `${report.numShrinks} shrink${report.numShrinks === 1 ? '' : 's'}`;
  const cut = report.shrinkingCut === undefined ? '' : ` (shrinking stopped early at ${report.shrinkingCut})`;
  const values = report.counterexample ?? [];
  const counterexample = values.length === 1 ? counterexampleJson(values[0]) : counterexampleJson(values);
  const requests =
    report.failing.exchanges.length > 0
      ? `; requests of the failing case: ${exchangeRange(report.failing.exchanges)}`
      : '';
  return [
    report.failing.message,
    `property falsified by generated case ${report.numRuns} of ${report.requestedRuns}, after ${shrinks}${cut}; counterexample: ${counterexample}`,
    `reproduce with --seed ${report.runSeed} (fast-check seed ${report.seed}, path "${report.path ?? ''}")${requests}`,
  ].join('\n');
}

/**
 * JSON of a generated value. Instances of classes with their own toString (fast-check's command
 * sequences, for one) are written as that string.
 */
export function counterexampleJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member === 'bigint') return `${member}n`;
    if (typeof member === 'number' && !Number.isFinite(member)) return String(member);
    if (member === undefined) return null;
    if (typeof member === 'object' && member !== null && !Array.isArray(member) && hasOwnToString(member))
      return String(member);
    return member;
  });
  return text ?? 'null';
}

function hasOwnToString(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype !== Object.prototype && prototype !== null && value.toString !== Object.prototype.toString;
}

/** `exchange #7` or `exchanges #7-#12` (sequence numbers within the check). */
function exchangeRange(seqs: readonly number[]): string {
  const first = seqs[0] as number;
  const last = seqs[seqs.length - 1] as number;
  return first === last ? `exchange #${first}` : `exchanges #${first}-#${last}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
