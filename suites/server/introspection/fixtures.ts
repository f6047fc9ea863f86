import type { CheckNeed } from '../../../src/harness/api.ts';

export const INTROSPECT_NEEDS: CheckNeed[] = [{ endpoint: 'introspect' }, { control: 'approve' }];
