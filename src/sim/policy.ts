import type { AgentMode, Constraints } from '../protocol/index.ts';
import type { CapabilityDefinition } from './capabilities.ts';
import { intersectConstraints, type NarrowingResult } from './constraints.ts';
import type { FaultSet } from './faults.ts';
import type { ApprovalPolicy } from './options.ts';
import type { ApprovalMethod, HostRecord } from './store.ts';

/**
 * The server's approval policy (§2.9, §5.3, §5.6, §7.5): which grants are approved without asking a
 * user, which approval method a pending request uses, and the effective scope of a grant.
 */

/**
 * A grant may be auto-approved when the host is active, the capability is not high risk, for
 * delegated agents the host is linked to a user, and the policy allows it: under `operator` only the
 * host's defaults, under `auto` anything, under `pending` nothing.
 */
export function canAutoApprove(
  host: HostRecord,
  mode: AgentMode,
  capability: CapabilityDefinition,
  policy: ApprovalPolicy,
): boolean {
  if (policy === 'pending' || host.status !== 'active' || capability.highRisk) return false;
  if (mode === 'delegated' && host.userId === undefined) return false;
  return policy === 'auto' || host.defaultCapabilities.includes(capability.name);
}

/** CIBA when the server can reach a known user (linked host or a login hint), else device authorization. */
export function chooseApprovalMethod(
  preferred: string | undefined,
  loginHint: string | undefined,
  host: HostRecord,
): ApprovalMethod {
  const userKnown = host.userId !== undefined || (loginHint !== undefined && loginHint.length > 0);
  return preferred === 'ciba' && userKnown ? 'ciba' : 'device_authorization';
}

/**
 * The effective constraints of a grant: the agent's proposal intersected with server policy, never
 * wider than the proposal. The `widens-constraints` fault lets server policy replace the proposal.
 */
export function effectiveConstraints(
  capability: CapabilityDefinition,
  requested: Constraints | undefined,
  faults: FaultSet,
): NarrowingResult {
  if (faults.has('widens-constraints') && capability.policyConstraints !== undefined) {
    return { ok: true, constraints: { ...requested, ...capability.policyConstraints } };
  }
  return intersectConstraints(requested, capability.policyConstraints);
}
