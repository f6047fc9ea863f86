import type { CheckNeed } from '../../../src/harness/api.ts';

/** The needs without repeats (needs are plain data, so equal JSON means the same need). */
export function uniqueNeeds(needs: readonly CheckNeed[]): CheckNeed[] {
  return [...new Set(needs.map((need) => JSON.stringify(need)))].map((need) => JSON.parse(need) as CheckNeed);
}
