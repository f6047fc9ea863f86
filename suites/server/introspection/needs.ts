import type { CheckNeed } from '../../../src/harness/check.ts';

export const INTROSPECT_NEEDS: CheckNeed[] = [{ endpoint: 'introspect' }, { control: 'approve' }];
