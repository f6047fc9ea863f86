import type { SimContext } from '../sim-context.ts';
import type { AgentRecord, GrantRecord } from '../store.ts';

/** Why an expired approval's grants were denied. */
export const APPROVAL_EXPIRED_REASON = 'The approval request expired';

/**
 * Lets approvals lapse once their advertised `expires_in` has elapsed (§7). The spec does not say
 * what a status poll shows afterwards; the simulator does what it does describe:
 *
 * - A registration that never became active is cleaned up like any abandoned pending agent: deleted,
 *   not revoked (§7.1 "Pending agent cleanup", §10.9), so later polls answer 404 agent_not_found as
 *   for any unknown agent (§5.13, GET /agent/status). `rejected` is not used: it means the user
 *   denied (§2.3, §7.1 step 4 lists expiry apart from rejection).
 * - Otherwise (a capability request, or a reactivation of an agent that was active before) the agent
 *   cannot be deleted: its pending grants end as denied with APPROVAL_EXPIRED_REASON, the terminal
 *   grant state §5.4 names, and an agent still pending on reactivation goes back to `expired`.
 *
 * Evaluated lazily, before each request and operator action, like the lifetime clocks.
 */
export function expireApprovals(ctx: SimContext, onDeleted: (agent: AgentRecord) => void): void {
  const now = ctx.clock.now();
  const lifetimeMs = ctx.options.approvalExpiresInSeconds * 1000;
  for (const agent of [...ctx.store.agents.values()]) {
    if (agent.approval === undefined || now < agent.approval.createdAt + lifetimeMs) continue;
    if (agent.status === 'pending' && agent.activatedAt === undefined) {
      ctx.store.agents.delete(agent.id);
      onDeleted(agent);
      continue;
    }
    agent.grants = agent.grants.map((grant): GrantRecord => {
      if (grant.status !== 'pending') return grant;
      const { requestedConstraints: _dropped, ...rest } = grant;
      return { ...rest, status: 'denied', reason: APPROVAL_EXPIRED_REASON, deniedBy: 'system', updatedAt: now };
    });
    if (agent.status === 'pending') ctx.lifecycle.setStatus(agent, 'expired');
    delete agent.approval;
  }
}
