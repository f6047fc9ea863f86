import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as endpoints } from './endpoints.ts';
import { checks as hostPending } from './host-pending.ts';
import { checks as rateLimit } from './rate-limit.ts';

/** Checks of the errors area (§5.13, §8.13). */
export const checks: CheckDefinition[] = [...endpoints, ...hostPending, ...rateLimit];
