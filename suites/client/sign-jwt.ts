import type { Scenario } from '../../src/client-harness/api.ts';

export const scenarios: Scenario[] = [];
