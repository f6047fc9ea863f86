import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { issuesInOneLine } from './input-issues.ts';
import type { BaselineOutcome, CheckResult } from '../model/index.ts';

export const BaselineSchema = z.strictObject({
  expected_failures: z.array(
    z.strictObject({
      check: z.string().min(1),
      comment: z.string().optional(),
    }),
  ),
});
export type Baseline = z.infer<typeof BaselineSchema>;

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export function parseBaseline(data: unknown, source: string): Baseline {
  const result = BaselineSchema.safeParse(data);
  if (!result.success) throw new BaselineError(`${source} is not a valid baseline: ${issuesInOneLine(result.error)}`);
  const ids = result.data.expected_failures.map((entry) => entry.check);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw new BaselineError(`${source} lists check ${repeated} more than once`);
  return result.data;
}

export async function loadBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BaselineError(`cannot read baseline ${path}: ${(error as Error).message}`);
  }
  try {
    return parseBaseline(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    throw new BaselineError(`baseline ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** Failing statuses for baseline purposes: what a listed check is expected to show. */
const STILL_FAILING = new Set(['failed', 'warning', 'info']);

/**
 * Compares results with the baseline. Known failures do not fail the run; a failure the baseline
 * does not list, a listed check that now passes, and an entry naming no defined check all do.
 * Marks listed results (`baseline` field) in place.
 *
 * @param definedIds every check id the suite defines (not only the selected ones)
 */
export function applyBaseline(
  baseline: Baseline,
  file: string,
  results: CheckResult[],
  definedIds: ReadonlySet<string>,
): BaselineOutcome {
  const byId = new Map(results.map((result) => [result.id, result]));
  const listed = new Set(baseline.expected_failures.map((entry) => entry.check));
  const outcome: BaselineOutcome = {
    file,
    known_failures: [],
    new_failures: results.filter((r) => r.status === 'failed' && !listed.has(r.id)).map((r) => r.id),
    fixed: [],
    stale: [],
    unverified: [],
    ok: true,
  };
  for (const entry of baseline.expected_failures) {
    const result = byId.get(entry.check);
    if (!definedIds.has(entry.check)) {
      outcome.stale.push(entry);
    } else if (result === undefined) {
      outcome.unverified.push(entry);
    } else if (STILL_FAILING.has(result.status)) {
      outcome.known_failures.push(entry);
      result.baseline = 'known-failure';
    } else if (result.status === 'passed') {
      outcome.fixed.push(entry);
      result.baseline = 'fixed';
    } else {
      outcome.unverified.push(entry);
      result.baseline = 'unverified';
    }
  }
  outcome.ok = outcome.new_failures.length === 0 && outcome.fixed.length === 0 && outcome.stale.length === 0;
  return outcome;
}
