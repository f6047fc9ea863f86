import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as active } from './active.ts';
import { checks as inactive } from './inactive.ts';
import { checks as linkedAgent } from './linked-agent.ts';
import { checks as rateLimit } from './rate-limit.ts';

/** Checks of the introspection area (§5.12). */
export const checks: CheckDefinition[] = [...active, ...linkedAgent, ...inactive, ...rateLimit];
