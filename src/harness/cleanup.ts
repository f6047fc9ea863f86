import { describeAnswer } from './answer.ts';
import type { ControlClient } from './control-client.ts';
import type { HttpResult } from './http-driver.ts';
import type { ProtocolClient } from './protocol-client/index.ts';
import type { CreatedAtTarget } from './protocol-client/created.ts';

/** Answers meaning there is nothing left to revoke: the check (or the server) already ended it. */
const ALREADY_GONE = new Set(['host_revoked', 'host_not_found', 'host_rejected', 'agent_revoked', 'agent_not_found']);

function done(result: HttpResult): boolean {
  if (result.error) return false;
  if (result.status >= 200 && result.status < 300) return true;
  const code: unknown = result.json?.error;
  return typeof code === 'string' && ALREADY_GONE.has(code);
}

/**
 * A host still awaiting approval cannot revoke anything (§2.11); its pending registrations hold no
 * grant, and the operator hook, where it can deny, ends them.
 */
async function endPending(client: ProtocolClient, agentId: string, refused: HttpResult): Promise<string | undefined> {
  if (refused.json?.error !== 'host_pending') return `revoke answered ${describeAnswer(refused)}`;
  if (!client.control?.supports('deny')) return 'left pending: its host is pending and the control hook cannot deny';
  const denied = await client.control.call('deny', { agent_id: agentId });
  // 409: nothing pending any more, which is what cleanup wants.
  if (denied.status === 409 || (denied.status >= 200 && denied.status < 300)) return undefined;
  return `left pending: control deny answered ${describeAnswer(denied)}`;
}

/**
 * Revokes what a check registered, through the protocol's own endpoints (no operator hook needed):
 * each host with POST revoke_host, which cascades to its agents (§5.10); where that is not offered
 * or not accepted, each agent with POST revoke, and registrations of a still-pending host are denied
 * through the operator hook when it can. Returns one note per thing left behind.
 */
/**
 * Revokes what the check registered so far, for checks that register at every generated case:
 * left to the check's end, a hundred cases would hold a hundred live agents, past the per-user
 * caps deployed servers have. Leftovers are caught again by the runner's cleanup.
 */
export async function revokeCreatedSoFar(client: ProtocolClient): Promise<void> {
  await revokeCreated(client.created.drain(), client).catch(() => undefined);
}

export async function revokeCreated(created: CreatedAtTarget, client: ProtocolClient): Promise<string[]> {
  const notes: string[] = [];
  const hasRevokeHost = client.target.endpoints['revoke_host'] !== undefined;
  const hasRevoke = client.target.endpoints['revoke'] !== undefined;
  for (const [host, agentIds] of created.entries()) {
    const hostName = host.hostId ?? host.name;
    if (hasRevokeHost) {
      const revoked = await client.revokeHost(host);
      if (done(revoked)) continue;
      if (!hasRevoke) {
        notes.push(`cleanup: host ${hostName} is left as it is: revoke_host answered ${describeAnswer(revoked)}`);
        continue;
      }
    }
    if (!hasRevoke) {
      notes.push(`cleanup: agents of host ${hostName} are left as they are: the target offers no revocation endpoint`);
      continue;
    }
    for (const agentId of agentIds) {
      const revoked = await client.revoke({ host, agentId });
      if (done(revoked)) continue;
      const left = await endPending(client, agentId, revoked);
      if (left !== undefined) notes.push(`cleanup: agent ${agentId} is left as it is: ${left}`);
    }
  }
  return notes;
}

/**
 * Restores what the check changed through the operator hook, through the cleanup client's hook:
 * every capability it removed, and the clock it moved forward.
 */
export async function restoreChanged(used: ControlClient | undefined, client: ProtocolClient): Promise<string[]> {
  const notes: string[] = [];
  if ((used?.advancedSeconds ?? 0) > 0) {
    const advanced = used?.advancedSeconds;
    try {
      if (client.control?.supports('restore-clock') !== true) throw new Error('the control hook has no restore-clock');
      await client.control.restoreClock();
    } catch (error) {
      notes.push(
        `cleanup: the target's clock stays ${advanced} s ahead: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  for (const name of used?.removedCapabilities ?? []) {
    try {
      await client.control?.restoreCapability({ name });
    } catch (error) {
      notes.push(
        `cleanup: capability ${name} stays removed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return notes;
}
