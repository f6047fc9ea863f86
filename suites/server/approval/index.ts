import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as ciba } from './ciba.ts';
import { checks as deniedGrant } from './denied-grant.ts';
import { checks as device } from './device.ts';
import { checks as methods } from './methods.ts';
import { checks as partial } from './partial.ts';
import { checks as pendingStatus } from './pending-status.ts';
import { checks as requestCapability } from './request-capability.ts';

/** Checks of the approval area (§7, §5.3 partial approval, §5.4). */
export const checks: CheckDefinition[] = [
  ...device,
  ...ciba,
  ...partial,
  ...pendingStatus,
  ...requestCapability,
  ...deniedGrant,
  ...methods,
];
