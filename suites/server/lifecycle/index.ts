import type { CheckDefinition } from '../../../src/harness/api.ts';
import { claimChecks } from './claim.ts';
import { expiryChecks } from './expiry.ts';
import { foreignChecks } from './foreign.ts';
import { hostRevokeChecks } from './host-revoke.ts';
import { linkingChecks } from './linking.ts';
import { modeChecks } from './mode.ts';
import { modelChecks } from './model.ts';
import { pendingAndRejectedChecks } from './pending-and-rejected.ts';
import { reactivateChecks } from './reactivate.ts';
import { revokeChecks } from './revoke.ts';
import { sessionChecks } from './session.ts';
import { statusViewChecks } from './status-view.ts';
import { unlinkAndUserDeletionChecks } from './unlink-and-user-deletion.ts';

/** Agent and host lifecycle: revocation and its cascades, expiry, reactivation, claiming (§2.3-§2.11, §5.5-§5.10). */
export const checks: CheckDefinition[] = [
  ...revokeChecks,
  ...hostRevokeChecks,
  ...unlinkAndUserDeletionChecks,
  ...linkingChecks,
  ...claimChecks,
  ...expiryChecks,
  ...reactivateChecks,
  ...pendingAndRejectedChecks,
  ...foreignChecks,
  ...modeChecks,
  ...sessionChecks,
  ...statusViewChecks,
  ...modelChecks,
];
