import type { SimEndpoint } from './endpoints.ts';
import type { ClientModeAction } from './operator.ts';

/**
 * An operator action fired from inside the request pipeline when a chosen request arrives: before
 * it is answered (default), so "approve at the 3rd status poll" makes that very poll answer active,
 * or right after its answer is made.
 */
export interface Trigger {
  on: {
    endpoint: SimEndpoint;
    /** 1-based ordinal among the requests to `endpoint`, all agents together; every one when absent. */
    nth?: number;
    agent?: 'any';
  };
  do: ClientModeAction;
  when?: 'before-answer' | 'after-answer';
}

/** The triggers the `ordinal`-th request to `endpoint` fires at `moment`. */
export function firedBy(
  triggers: readonly Trigger[],
  endpoint: SimEndpoint | 'other',
  ordinal: number,
  moment: 'before-answer' | 'after-answer',
): Trigger[] {
  return triggers.filter(
    (trigger) =>
      trigger.on.endpoint === endpoint &&
      (trigger.on.nth === undefined || trigger.on.nth === ordinal) &&
      (trigger.when ?? 'before-answer') === moment,
  );
}
