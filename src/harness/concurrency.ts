import type { Exchange } from '../model/index.ts';
import { DEFAULT_CONCURRENCY } from './runner.ts';

/**
 * How many checks run at once when the user does not say. Checks are mostly strings of dependent
 * requests, so a run's wall time grows with the target's round trip; a distant target gets more
 * checks in flight to hide it. Against a nearby one the harness and the target share the machine's
 * cores, and more checks in flight only add contention. Twelve at once run the whole suite (681
 * checks, most of them the state walk) in about 55 s at 100 ms per answer (`npm run bench --
 * --latency 100`) and still meet no per-user cap of 25 live agents (each check revokes what it
 * registered when it ends); more at once would risk that cap, since the agents of most checks belong
 * to the target's one test user.
 */
export const DISTANT_CONCURRENCY = 12;
/** Median setup round trip (ms) from which a target counts as distant (real servers are 20-150 ms away). */
export const DISTANT_ROUND_TRIP_MS = 20;

export interface ChosenConcurrency {
  concurrency: number;
  /** Why, for the run header. */
  note: string;
}

export function chooseConcurrency(given: number | undefined, setupExchanges: readonly Exchange[]): ChosenConcurrency {
  if (given !== undefined) return { concurrency: given, note: `concurrency ${given} (--concurrency)` };
  const answered = setupExchanges.filter((exchange) => exchange.response !== undefined);
  if (answered.length === 0) {
    return {
      concurrency: DEFAULT_CONCURRENCY,
      note: `concurrency ${DEFAULT_CONCURRENCY} (no setup round trip measured)`,
    };
  }
  const sorted = answered.map((exchange) => exchange.duration_ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const concurrency = median >= DISTANT_ROUND_TRIP_MS ? DISTANT_CONCURRENCY : DEFAULT_CONCURRENCY;
  return {
    concurrency,
    note: `concurrency ${concurrency}: chosen for a median setup round trip of ${median} ms (--concurrency sets it)`,
  };
}
