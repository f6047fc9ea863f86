import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as caching } from './caching.ts';
import { checks as document } from './document.ts';
import { checks as endpoints } from './endpoints.ts';
import { checks as values } from './values.ts';

/** Checks of the discovery area (§5.1, §5.1.1). */
export const checks: CheckDefinition[] = [...document, ...values, ...endpoints, ...caching];
