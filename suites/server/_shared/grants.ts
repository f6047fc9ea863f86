import {
  DECISION_POLL_DELAYS_MS,
  retryUntil,
  type AgentRef,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';

/** Capability grants as answers list them (§5.3, §5.5): finding, describing and waiting for them. */

/** A grant object as the server sent it (validated separately where its shape matters). */
export type WireGrant = Record<string, unknown> & { capability?: unknown; status?: unknown };

/** The `agent_capability_grants` of a registration, status or request-capability body ([] when absent). */
export function grantsOf(body: unknown): WireGrant[] {
  const grants: unknown = (body as { agent_capability_grants?: unknown } | undefined)?.agent_capability_grants;
  return Array.isArray(grants)
    ? grants.filter((grant): grant is WireGrant => typeof grant === 'object' && grant !== null)
    : [];
}

/** A grant whose capability and status are strings, as every grant should be. */
export function isWellFormedGrant(grant: WireGrant): grant is WireGrant & { capability: string; status: string } {
  return typeof grant.capability === 'string' && typeof grant.status === 'string';
}

/** The grant of `capability` in a body's `agent_capability_grants`, if it lists one. */
export function grantFor(body: unknown, capability: string): WireGrant | undefined {
  return grantsOf(body).find((grant) => grant.capability === capability);
}

/** Names of the capabilities with an active grant among `grants`, sorted. */
export function activeCapabilities(grants: readonly WireGrant[]): string[] {
  return grants
    .filter(isWellFormedGrant)
    .filter((grant) => grant.status === 'active')
    .map((grant) => grant.capability)
    .sort();
}

/** `capability=status` for each grant of a body, for messages. */
export function describeGrants(body: unknown): string {
  const grants = grantsOf(body);
  return grants.length === 0
    ? '(no grants)'
    : grants.map((grant) => `${String(grant.capability)}=${String(grant.status)}`).join(', ');
}

/** Polls GET status until `capability`'s grant has one of the `wanted` statuses; returns the last answer. */
export async function awaitGrantStatus(
  t: CheckContext,
  agent: AgentRef,
  capability: string,
  wanted: readonly string[],
): Promise<HttpResult> {
  return retryUntil(
    () => t.client.status(agent),
    (last) => {
      const status = grantFor(last.json, capability)?.status;
      return typeof status === 'string' && wanted.includes(status);
    },
    DECISION_POLL_DELAYS_MS,
    (last) => last.error !== undefined || last.status !== 200,
  );
}
