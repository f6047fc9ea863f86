import {
  describeAnswer,
  type AgentRef,
  type CheckContext,
  type HostIdentity,
  type HostTokenOptions,
} from '../../../src/harness/api.ts';
import { grantsOf, type WireGrant } from './grants.ts';

/** An agent's state as status reports it (§5.5), and the host_id the server gave its host. */

/** The `host_id` the server gave the host, from registration or else from the agent's status. */
export async function hostIdOf(t: CheckContext, host: HostIdentity, agent: AgentRef): Promise<string> {
  if (host.hostId !== undefined) return host.hostId;
  const result = await t.client.status(agent);
  const hostId: unknown = result.json?.host_id;
  if (typeof hostId !== 'string')
    t.fail(`precondition: no host_id in the registration or status answer (${describeAnswer(result)})`);
  host.hostId = hostId;
  return hostId;
}

/** GET status, expecting 200 with a string `status`; returns the parsed body (otherwise unvalidated). */
export async function readStatus(
  t: CheckContext,
  agent: AgentRef,
  tokenOpts: HostTokenOptions = {},
  what = 'status',
): Promise<{ status: string; grants: WireGrant[]; json: Record<string, unknown> }> {
  const result = await t.client.status(agent, tokenOpts);
  t.expectStatus(result, 200, what);
  const status: unknown = result.json?.status;
  if (typeof status !== 'string')
    t.fail(`${what}: the status answer has no string "status" (§5.5); ${describeAnswer(result)}`);
  return { status, grants: grantsOf(result.json), json: result.json as Record<string, unknown> };
}
