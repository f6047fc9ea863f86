import type { CheckContext, CheckNeed, RegisterResult } from '../../../src/harness/api.ts';
import { expectRegistered } from '../_shared/registration.ts';

/** What a check registering under a linked host's defaults needs (see registerUnderHostDefaults). */
export const HOST_DEFAULTS_NEEDS: CheckNeed[] = [
  { endpoint: 'register' },
  { mode: 'delegated' },
  { control: 'approve' },
  { control: 'set-host-defaults' },
  { capability: 'sync' },
];

/**
 * Registers a delegated agent asking for `capabilities` under a host the operator linked to a user,
 * with `defaultCapability` as the host's only default (§1.5, §2.9); fails unless an agent was created.
 */
export async function registerUnderHostDefaults(
  t: CheckContext,
  defaultCapability: string,
  capabilities: string[],
): Promise<RegisterResult> {
  const { host } = await t.client.linkedHost({ capabilities: [defaultCapability] });
  t.expect(host.hostId !== undefined, 'precondition: the registration answer named no host_id');
  await t.control!.setHostDefaults({ host_id: host.hostId, capabilities: [defaultCapability] });
  const result = await t.client.register(host, { mode: 'delegated', capabilities });
  expectRegistered(t, result);
  return result;
}
