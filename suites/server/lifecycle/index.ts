import type { CheckDefinition } from '../../../src/harness/check.ts';
import { claimChecks } from './claim.ts';
import { expiryChecks } from './expiry.ts';
import { foreignChecks } from './foreign.ts';
import { hostRevokeChecks } from './host-revoke.ts';
import { modeChecks } from './mode.ts';
import { modelChecks } from './model.ts';
import { pendingAndRejectedChecks } from './pending-and-rejected.ts';
import { reactivateChecks } from './reactivate.ts';
import { revokeChecks } from './revoke.ts';
import { sessionChecks } from './session.ts';
import { unlinkAndUserDeletionChecks } from './unlink-and-user-deletion.ts';

/** Agent and host lifecycle: revocation and its cascades, expiry, reactivation, claiming (§2.3-§2.11, §5.5-§5.10). */
export const checks: CheckDefinition[] = [
  ...revokeChecks,
  ...hostRevokeChecks,
  ...unlinkAndUserDeletionChecks,
  ...claimChecks,
  ...expiryChecks,
  ...reactivateChecks,
  ...pendingAndRejectedChecks,
  ...foreignChecks,
  ...modeChecks,
  ...sessionChecks,
  ...modelChecks,
];
