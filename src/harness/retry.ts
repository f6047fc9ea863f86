/**
 * Waiting for a server's state to show (an operator decision, a revocation) without sleeping longer
 * than the rulings allow. Checks poll through these instead of hand-written loops.
 */

/** Status polls while an operator decision propagates: about three seconds in all. */
export const DECISION_POLL_DELAYS_MS: readonly number[] = [0, 25, 50, 100, 200, 300, 400, 500, 500, 500, 500];

/** Retries summing to one second: how long revocation may take to show (RUL-REVOCATION-LATENCY). */
export const WITHIN_ONE_SECOND_MS: readonly number[] = [0, 100, 200, 300, 400];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `attempt` after each delay until `settled` holds for its answer (or `stop` says polling is
 * pointless, e.g. a transport error); returns the last answer either way.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  settled: (answer: T) => boolean,
  delaysMs: readonly number[],
  stop: (answer: T) => boolean = () => false,
): Promise<T> {
  let last: T | undefined;
  for (const delay of delaysMs) {
    if (delay > 0) await sleep(delay);
    last = await attempt();
    if (settled(last) || stop(last)) return last;
  }
  return last as T;
}
