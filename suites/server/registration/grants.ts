import type { CheckContext, HttpResult } from '../../../src/harness/check.ts';
import type { AgentRef } from '../../../src/harness/client.ts';

/** A grant object as the server sent it (validated separately where its shape matters). */
export type WireGrant = Record<string, unknown> & { capability?: unknown; status?: unknown };

/** Delays between status polls while waiting for a grant to change; their sum stays near three seconds. */
const GRANT_POLL_DELAYS_MS = [0, 25, 50, 100, 200, 300, 400, 500, 500, 500, 500];

/** The `agent_capability_grants` of a registration, status or request-capability body ([] when absent). */
export function grantsOf(body: unknown): WireGrant[] {
  const grants: unknown = (body as { agent_capability_grants?: unknown } | undefined)?.agent_capability_grants;
  return Array.isArray(grants) ? grants.filter((grant): grant is WireGrant => typeof grant === 'object' && grant !== null) : [];
}

export function grantFor(body: unknown, capability: string): WireGrant | undefined {
  return grantsOf(body).find((grant) => grant.capability === capability);
}

export function describeGrants(body: unknown): string {
  const grants = grantsOf(body);
  return grants.length === 0 ? '(no grants)' : grants.map((grant) => `${String(grant.capability)}=${String(grant.status)}`).join(', ');
}

/** Polls GET status until `capability`'s grant has one of the `wanted` statuses; returns the last answer. */
export async function awaitGrantStatus(t: CheckContext, agent: AgentRef, capability: string, wanted: readonly string[]): Promise<HttpResult> {
  let last: HttpResult | undefined;
  for (const delay of GRANT_POLL_DELAYS_MS) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    last = await t.client.status(agent);
    if (last.error || last.status !== 200) return last;
    const status = grantFor(last.json, capability)?.status;
    if (typeof status === 'string' && wanted.includes(status)) return last;
  }
  return last as HttpResult;
}
