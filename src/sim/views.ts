import type { Approval, Capability, CompactGrant, Grant, StatusResponse } from '../protocol/index.ts';
import { detailOf, type CapabilityDefinition } from './capabilities.ts';
import { isoTime } from './clock.ts';
import { DEVICE_PATH, type SimContext } from './sim-context.ts';
import type { AgentRecord, ApprovalRecord, GrantRecord } from './store.ts';

/**
 * Wire views of stored records (§5.3 grant rules): active grants carry the capability's details and
 * effective constraints, pending grants only capability and status, denied grants add a reason.
 */
export function grantView(ctx: SimContext, grant: GrantRecord): Grant {
  if (grant.status === 'pending') return { capability: grant.capability, status: 'pending' };
  if (grant.status === 'denied') {
    return {
      capability: grant.capability,
      status: 'denied',
      ...(grant.reason !== undefined && { reason: grant.reason }),
      ...(grant.deniedBy !== undefined && { denied_by: grant.deniedBy }),
    };
  }
  const definition = ctx.catalog.findEver(grant.capability);
  const detail = definition === undefined ? undefined : capabilityDetail(ctx, definition);
  return {
    capability: grant.capability,
    status: 'active',
    ...(detail?.description !== undefined && { description: detail.description }),
    ...(detail?.location !== undefined && { location: detail.location }),
    ...(grant.constraints !== undefined && { constraints: grant.constraints }),
    ...(grant.grantedBy !== undefined && { granted_by: grant.grantedBy }),
    ...(detail?.input !== undefined && { input: detail.input }),
    ...(detail?.output !== undefined && { output: detail.output }),
  };
}

/** The full capability object (§2.12), with its `location` when it is executed elsewhere. */
export function capabilityDetail(ctx: SimContext, definition: CapabilityDefinition): Capability {
  const location = ctx.options.capabilityLocations[definition.name];
  return { ...detailOf(definition), ...(location !== undefined && { location }) };
}

export function compactGrantView(grant: GrantRecord): CompactGrant {
  return { capability: grant.capability, status: grant.status };
}

/** The agent view of GET /agent/status (§5.5); the caller refreshes the agent first. */
export function agentView(ctx: SimContext, agent: AgentRecord): StatusResponse {
  const expiresAt = ctx.lifecycle.expiresAt(agent);
  return {
    agent_id: agent.id,
    host_id: agent.hostId,
    name: agent.name,
    status: agent.status,
    mode: agent.mode,
    agent_capability_grants: agent.grants.map((grant) => grantView(ctx, grant)),
    ...(agent.userId !== undefined && { user_id: agent.userId }),
    ...(agent.activatedAt !== undefined && { activated_at: isoTime(agent.activatedAt) }),
    created_at: isoTime(agent.createdAt),
    ...(agent.lastUsedAt !== undefined && { last_used_at: isoTime(agent.lastUsedAt) }),
    ...(expiresAt !== undefined && { expires_at: isoTime(expiresAt) }),
  };
}

export function approvalView(ctx: SimContext, approval: ApprovalRecord): Approval {
  const notification = ctx.options.approvalNotificationPath;
  const common = {
    expires_in: ctx.options.approvalExpiresInSeconds,
    interval: ctx.options.approvalIntervalSeconds,
    ...(notification !== undefined && { notification_url: `${ctx.origin}${notification}` }),
  };
  // A server-defined method (§10.10.3): its own fields are its profile's business, so none are added.
  const extension = ctx.options.extensionApprovalMethod;
  if (extension !== undefined) return { method: extension, ...common };
  if (approval.method === 'ciba') {
    return {
      method: 'ciba',
      ...common,
      ...(approval.bindingMessage !== undefined && { binding_message: approval.bindingMessage }),
    };
  }
  const verificationUri = `${ctx.options.verificationUriOrigin ?? ctx.origin}${DEVICE_PATH}`;
  return {
    method: 'device_authorization',
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?code=${encodeURIComponent(approval.userCode)}`,
    user_code: approval.userCode,
    ...common,
  };
}
