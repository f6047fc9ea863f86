import type { CheckNeed } from '../../../src/harness/api.ts';

/** What every introspection check needs: the endpoint, and the approve hook for an active agent to introspect. */
export const INTROSPECT_NEEDS: CheckNeed[] = [{ endpoint: 'introspect' }, { control: 'approve' }];
