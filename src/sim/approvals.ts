import type { Constraints } from '../protocol/index.ts';
import type { CapabilityDefinition } from './capabilities.ts';
import type { NarrowingResult } from './constraints.ts';
import type { SimContext } from './sim-context.ts';
import { DEFAULT_USER_ID } from './lifecycle.ts';
import { canAutoApprove, chooseApprovalMethod, effectiveConstraints } from './policy.ts';
import { newUserCode, type AgentRecord, type GrantRecord, type HostRecord } from './store.ts';

export interface ApprovalHints {
  preferred_method?: string | undefined;
  login_hint?: string | undefined;
  binding_message?: string | undefined;
}

/** Who approved a grant that needed no user: the linked user, or the system for unlinked hosts. */
function autoApprover(host: HostRecord): string {
  return host.userId ?? 'system';
}

/** A new grant of `capability` to `agent`: active when policy auto-approves it, otherwise pending. */
export function issueGrant(
  ctx: SimContext,
  host: HostRecord,
  agent: Pick<AgentRecord, 'mode'>,
  capability: CapabilityDefinition,
  requested: Constraints | undefined,
  reason: string | undefined,
): GrantRecord {
  const now = ctx.clock.now();
  const base = { capability: capability.name, createdAt: now, updatedAt: now, ...(reason !== undefined && { reason }) };
  if (!canAutoApprove(host, agent.mode, capability, ctx.options.approvalPolicy)) {
    return { ...base, status: 'pending', ...(requested !== undefined && { requestedConstraints: requested }) };
  }
  return settle(ctx, capability, base, requested, autoApprover(host));
}

function settle(
  ctx: SimContext,
  capability: CapabilityDefinition,
  base: Omit<GrantRecord, 'status'>,
  requested: Constraints | undefined,
  approver: string,
): GrantRecord {
  // A configured grant scope replaces the proposal: the server grants wider than asked, and the
  // client under test is the one expected to notice (§2.13).
  const configured = ctx.options.grantedConstraints[capability.name];
  const scope: NarrowingResult =
    configured !== undefined
      ? { ok: true, constraints: configured }
      : effectiveConstraints(capability, requested, ctx.faults);
  if (!scope.ok) return { ...base, status: 'denied', reason: scope.reason, deniedBy: 'system' };
  return {
    ...base,
    status: 'active',
    grantedBy: approver,
    ...(scope.constraints !== undefined && { constraints: scope.constraints }),
  };
}

/** Starts or refreshes the approval flow of `agent` (§7); a retry keeps the user code. */
export function openApproval(ctx: SimContext, agent: AgentRecord, host: HostRecord, hints: ApprovalHints): void {
  agent.approval = {
    method: ctx.options.approvalMethod ?? chooseApprovalMethod(hints.preferred_method, hints.login_hint, host),
    userCode: agent.approval?.userCode ?? newUserCode(),
    ...(hints.binding_message !== undefined && { bindingMessage: hints.binding_message }),
    createdAt: ctx.clock.now(),
  };
}

export function hasPendingGrants(agent: AgentRecord): boolean {
  return agent.grants.some((grant) => grant.status === 'pending');
}

/** Pending when grants wait for approval and none is active yet; otherwise active (§5.3). */
export function settleInitialStatus(agent: AgentRecord): 'active' | 'pending' {
  const anyActive = agent.grants.some((grant) => grant.status === 'active');
  return hasPendingGrants(agent) && !anyActive ? 'pending' : 'active';
}

export interface ApproveOptions {
  /** Approve only these pending grants and deny the others; all pending grants when absent. */
  capabilities?: readonly string[] | undefined;
  userId?: string | undefined;
}

/**
 * A user approves the agent's pending request (§7): the host is approved (and, for a delegated
 * agent, linked to the approving user, §2.9), the chosen grants become active, the rest denied.
 */
export function approve(ctx: SimContext, agent: AgentRecord, options: ApproveOptions): void {
  const host = ctx.store.hosts.get(agent.hostId)!;
  const now = ctx.clock.now();
  if (agent.mode === 'delegated' && host.userId === undefined) {
    ctx.lifecycle.linkHost(host, options.userId ?? DEFAULT_USER_ID);
  } else if (host.status === 'pending') {
    ctx.lifecycle.setHostStatus(host, 'active');
    host.activatedAt = now;
  }
  const approver = agent.mode === 'delegated' ? (host.userId ?? DEFAULT_USER_ID) : (options.userId ?? DEFAULT_USER_ID);
  agent.grants = agent.grants.map((grant) => {
    if (grant.status !== 'pending') return grant;
    const chosen = options.capabilities === undefined || options.capabilities.includes(grant.capability);
    const definition = ctx.catalog.findEver(grant.capability);
    if (!chosen || definition === undefined) {
      return { ...grant, status: 'denied', reason: 'Not approved by the user', deniedBy: approver, updatedAt: now };
    }
    const { requestedConstraints, ...rest } = grant;
    return settle(ctx, definition, { ...rest, updatedAt: now }, requestedConstraints, approver);
  });
  if (agent.mode === 'delegated') agent.userId = host.userId;
  if (agent.status === 'pending') ctx.lifecycle.activate(agent);
  delete agent.approval;
}

export interface DenyOptions {
  /** Deny only these pending grants; the whole registration when absent. */
  capabilities?: readonly string[] | undefined;
  reason?: string | undefined;
  userId?: string | undefined;
}

/**
 * A user denies a request (§7.1). Without capabilities a pending registration is rejected (or, for an
 * active agent, every pending grant is denied); with capabilities only those grants are denied, and a
 * pending agent left with nothing pending is approved with what remains.
 */
export function deny(ctx: SimContext, agent: AgentRecord, options: DenyOptions): void {
  const now = ctx.clock.now();
  const denier = options.userId ?? DEFAULT_USER_ID;
  const reason = options.reason ?? 'Denied by the user';
  agent.grants = agent.grants.map((grant) => {
    const named = options.capabilities === undefined || options.capabilities.includes(grant.capability);
    if (grant.status !== 'pending' || !named) return grant;
    const { requestedConstraints: _dropped, ...rest } = grant;
    return { ...rest, status: 'denied', reason, deniedBy: denier, updatedAt: now };
  });
  if (options.capabilities === undefined) {
    const rejects =
      agent.status === 'pending' || (agent.status === 'active' && ctx.faults.has('denial-rejects-active-agent'));
    if (rejects) ctx.lifecycle.setStatus(agent, 'rejected');
    delete agent.approval;
    return;
  }
  if (!hasPendingGrants(agent)) {
    if (agent.status === 'pending') approve(ctx, agent, { userId: options.userId });
    delete agent.approval;
  }
}
