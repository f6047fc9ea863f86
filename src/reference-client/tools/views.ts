import type { CapabilityRequestItem } from '../../protocol/index.ts';
import { widenedGrants } from '../constraints.ts';
import type { ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import type { Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { isRecord } from '../tool-error.ts';

/** The grant objects of an answer (registration, status, reactivation, request-capability). */
export function grantsOf(body: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(body.agent_capability_grants) ? body.agent_capability_grants.filter(isRecord) : [];
}

/** Takes over what a status-shaped answer says about the agent. */
export function applyView(connection: Connection, view: Record<string, unknown>): void {
  if (typeof view.status === 'string') connection.status = view.status;
  if (typeof view.host_id === 'string') connection.hostId = view.host_id;
  if (Array.isArray(view.agent_capability_grants)) connection.grants = grantsOf(view);
}

/** Replaces the stored grants of the capabilities in `grants` (a request-capability answer names only those). */
export function mergeGrants(connection: Connection, grants: readonly Record<string, unknown>[]): void {
  const named = new Set(grants.map((grant) => grant.capability));
  connection.grants = [...connection.grants.filter((grant) => !named.has(grant.capability)), ...grants];
}

/** The agent as a tool result: identity, status, provider and grants with their full details (§6.4 step 5). */
export function agentResult(connection: Connection, provider: Provider): Record<string, unknown> {
  const result: Record<string, unknown> = {
    agent_id: connection.agentId,
    host_id: connection.hostId ?? null,
    name: connection.name,
    mode: connection.mode,
    status: connection.status,
    provider: provider.name,
    issuer: provider.issuer,
    agent_capability_grants: connection.grants,
  };
  const denied = deniedCapabilities(connection.grants);
  if (denied.length > 0) result.denied_capabilities = denied;
  return result;
}

/** Denied grants with their reasons, so the agent learns what it did not get (§5.3 SHOULD). */
export function deniedCapabilities(grants: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return grants
    .filter((grant) => grant.status === 'denied')
    .map((grant) => ({
      capability: grant.capability,
      ...(typeof grant.reason === 'string' && { reason: grant.reason }),
    }));
}

/**
 * The result with warnings about grants wider than the agent proposed (§2.13 SHOULD: warn the user
 * or refuse); the client warns, in the result and as a notification.
 */
export async function withConstraintWarnings(
  ctx: ClientContext,
  result: Record<string, unknown>,
  proposed: readonly CapabilityRequestItem[] | undefined,
  grants: readonly Record<string, unknown>[],
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  if (proposed === undefined || ctx.faults.has('accepts-widened-constraints')) return result;
  const warnings = widenedGrants(proposed, grants).map(
    (name) =>
      `The grant of ${name} carries constraints wider than the ones proposed; a server must not widen them (§2.13). Treat this grant with suspicion.`,
  );
  for (const warning of warnings) await reporter.notify(warning);
  return warnings.length > 0 ? { ...result, warnings } : result;
}
