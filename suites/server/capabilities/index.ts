import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as authRequired } from './auth-required.ts';
import { checks as badToken } from './bad-token.ts';
import { checks as caching } from './caching.ts';
import { checks as describe } from './describe.ts';
import { checks as listing } from './listing.ts';
import { checks as pagination } from './pagination.ts';
import { checks as query } from './query.ts';

/** Checks of the capabilities area (§5.2, §5.2.1, §5.14, §10.6). */
export const checks: CheckDefinition[] = [
  ...listing,
  ...describe,
  ...pagination,
  ...query,
  ...authRequired,
  ...badToken,
  ...caching,
];
