import { defineCheck, type CheckContext } from '../../../src/harness/api.ts';
import { registerPending } from '../_shared/registration.ts';

/**
 * A host awaiting its first approval may only register (§4.5.1 step 8). Status polling is left out:
 * RUL-PENDING-HOST-STATUS lets a pending host read its pending agents. Host key rotation is a call
 * about the host itself, so its refusal cannot be mistaken for one about a pending agent.
 */
const hostPending = defineCheck({
  id: 'server.errors.host-pending',
  title: 'A host still pending approval that rotates its key is refused with 403 host_pending',
  area: 'errors',
  requirements: ['AAP-5.13-ERR.host_pending', 'AAP-4.5.1-STEP8'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { endpoint: 'rotate_host_key' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const { host } = await registerPending(t, { capabilities: [t.capability('sync')] });
    const result = await t.client.rotateHostKey(host);
    t.expectError(
      result,
      403,
      'host_pending',
      'host key rotation by a host whose first registration awaits approval (§4.5.1 step 8, §5.13)',
    );
  },
});

export const checks = [hostPending];
