import type { CheckContext } from '../../../src/harness/api.ts';

/** A capability name no server offers, unique to this check run. */
export function unknownCapabilityName(t: CheckContext): string {
  return `conformance_no_such_capability_${t.seed.toString(36)}`;
}
