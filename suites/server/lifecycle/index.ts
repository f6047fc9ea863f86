import type { CheckDefinition } from '../../../src/harness/api.ts';
import { checks as claim } from './claim.ts';
import { checks as expiry } from './expiry.ts';
import { checks as foreign } from './foreign.ts';
import { checks as hostRevoke } from './host-revoke.ts';
import { checks as linking } from './linking.ts';
import { checks as mode } from './mode.ts';
import { checks as model } from './model.ts';
import { checks as pendingAndRejected } from './pending-and-rejected.ts';
import { checks as reactivate } from './reactivate.ts';
import { checks as revoke } from './revoke.ts';
import { checks as session } from './session.ts';
import { checks as statusView } from './status-view.ts';
import { checks as unlinkAndUserDeletion } from './unlink-and-user-deletion.ts';

/** Agent and host lifecycle: revocation and its cascades, expiry, reactivation, claiming (§2.3-§2.11, §5.5-§5.10). */
export const checks: CheckDefinition[] = [
  ...revoke,
  ...hostRevoke,
  ...unlinkAndUserDeletion,
  ...linking,
  ...claim,
  ...expiry,
  ...reactivate,
  ...pendingAndRejected,
  ...foreign,
  ...mode,
  ...session,
  ...statusView,
  ...model,
];
