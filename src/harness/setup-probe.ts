import { revokeCreated } from './cleanup.ts';
import type { ProtocolClient } from './protocol-client/index.ts';
import type { AgentIdentity } from './protocol-client/identities.ts';
import type { TargetProfile } from './target-profile.ts';

/**
 * `--probe-capabilities`: what a description cannot tell, learnt by using the capabilities once
 * during setup. A probe host is linked to a user through the operator hook with an agent granted
 * every capability; each capability is executed once with the arguments inferred from its input
 * schema, and the answer tells its execution kind (202 with a status_url: async; an event stream:
 * stream). Then the host's defaults are set to every capability and a second agent asks for all of
 * them: a grant that still waits for the user is high-risk (§8.10: never auto-approved, even for a
 * linked host within its defaults). The probe host is revoked afterwards.
 *
 * On by default only when the run has a control hook (which exists only in builds made for testing,
 * control contract §2), and only while a profile leaves one of these roles open: executing a
 * capability acts on the server (a transfer is a transfer). `--no-probe-capabilities` turns it off.
 */
export interface ProbedRoles {
  async?: string;
  stream?: string;
  highRisk?: string;
}

export async function probeCapabilities(
  client: ProtocolClient,
  names: readonly string[],
  profile: TargetProfile,
  notes: string[],
): Promise<ProbedRoles> {
  if (names.length === 0) return {};
  if (!client.control?.supports('approve')) {
    notes.push('capability probe not run: the control hook offers no approve, so no probe agent can hold grants');
    return {};
  }
  const roles: ProbedRoles = {};
  try {
    const host = await client.newHost({ name: 'agent-auth-conformance capability probe' });
    const agent = await client.activeAgent({ host, capabilities: [...names], mode: 'delegated' });
    const granted = await activeGrants(client, agent);
    const kinds: string[] = [];
    for (const name of granted) {
      const answer = await client.execute(agent, name, profile.arguments?.[name] ?? {});
      const contentType = (answer.headers['content-type'] ?? '').toLowerCase();
      const kind = contentType.startsWith('text/event-stream')
        ? 'stream'
        : answer.status === 202 || typeof answer.json?.status_url === 'string'
          ? 'async'
          : answer.status === 200
            ? 'sync'
            : `not run (${answer.status})`;
      kinds.push(`${name} ${kind}`);
      if (kind === 'async') roles.async ??= name;
      if (kind === 'stream') roles.stream ??= name;
    }
    notes.push(`capability probe executed each granted capability once: ${kinds.join(', ') || 'none granted'}`);
    roles.highRisk = await highRiskAmong(client, host, names, notes);
  } catch (error) {
    notes.push(`capability probe stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    notes.push(...(await revokeCreated(client.created, client)));
  }
  return Object.fromEntries(Object.entries(roles).filter(([, value]) => value !== undefined)) as ProbedRoles;
}

async function activeGrants(client: ProtocolClient, agent: AgentIdentity): Promise<string[]> {
  const status = await client.status(agent);
  const grants: unknown = status.json?.agent_capability_grants;
  if (!Array.isArray(grants)) return [];
  return grants
    .filter((grant) => (grant as { status?: unknown })?.status === 'active')
    .map((grant) => (grant as { capability?: unknown }).capability)
    .filter((name): name is string => typeof name === 'string');
}

async function highRiskAmong(
  client: ProtocolClient,
  host: AgentIdentity['host'],
  names: readonly string[],
  notes: string[],
): Promise<string | undefined> {
  if (host.hostId === undefined || !client.control?.supports('set-host-defaults')) {
    notes.push('capability probe: high-risk not probed (needs the host id and the set-host-defaults hook)');
    return undefined;
  }
  await client.control.setHostDefaults({ host_id: host.hostId, capabilities: [...names] });
  const second = await client.register(host, { capabilities: [...names], mode: 'delegated' });
  const grants: unknown = second.json?.agent_capability_grants;
  const waiting = Array.isArray(grants)
    ? grants
        .filter((grant) => (grant as { status?: unknown })?.status === 'pending')
        .map((grant) => (grant as { capability?: unknown }).capability)
        .filter((name): name is string => typeof name === 'string')
    : [];
  notes.push(
    `capability probe: with every capability among the linked host's defaults, ${waiting.length > 0 ? `still waiting for the user: ${waiting.join(', ')}` : 'nothing waits for the user'}`,
  );
  return waiting[0];
}
