import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as concurrent } from './concurrent.ts';
import { checks as constraints } from './constraints.ts';
import { checks as hostDefaults } from './host-defaults.ts';
import { checks as idempotency } from './idempotency.ts';
import { checks as invalid } from './invalid.ts';
import { checks as mode } from './mode.ts';
import { checks as pending } from './pending.ts';
import { checks as response } from './response.ts';

/** Checks of the registration area (§5.3, §2.8, §2.11, §2.13, §8.10). */
export const checks: CheckDefinition[] = [
  ...pending,
  ...response,
  ...idempotency,
  ...concurrent,
  ...invalid,
  ...mode,
  ...constraints,
  ...hostDefaults,
];
