import type {
  AgentIdentity,
  AgentMode,
  CheckContext,
  FixtureOptions,
  HostIdentity,
  RegisterOptions,
  RegisterResult,
} from '../../../src/harness/api.ts';

/** Registering agents the way most checks need them: in the fixture mode, active or still pending (§5.3). */

/** A registration answer that created an agent: 200 or 201 with an agent_id. */
export function expectRegistered(t: CheckContext, result: RegisterResult, what = 'registration'): AgentIdentity {
  t.expectStatus(result, [200, 201], what);
  t.expect(result.agent !== undefined, `${what}: the answer has no agent_id (§5.3); body: ${result.body.slice(0, 300)}`);
  return result.agent;
}

/** The mode fixtures register in: delegated (the protocol default) unless the server offers only autonomous. */
export function fixtureMode(t: CheckContext): AgentMode {
  return t.discovery.modes.includes('delegated') ? 'delegated' : (t.discovery.modes[0] ?? 'delegated');
}

/** An active agent in the fixture mode (see ProtocolClient.activeAgent). */
export function activeAgent(t: CheckContext, opts: FixtureOptions = {}): Promise<AgentIdentity> {
  return t.client.activeAgent({ mode: fixtureMode(t), ...opts });
}

/** Registers under a fresh (never seen) host; skips the check unless the registration is pending (§2.8, §8.10). */
export async function registerPending(
  t: CheckContext,
  opts: RegisterOptions = {},
): Promise<{ host: HostIdentity; agent: AgentIdentity; result: RegisterResult }> {
  const host = await t.client.newHost();
  const result = await t.client.register(host, { mode: fixtureMode(t), ...opts });
  const agent = expectRegistered(t, result);
  if (result.json?.status !== 'pending') {
    t.skip(
      `no pending registration to work with: a never-seen host's registration answered status ${JSON.stringify(result.json?.status)} (judged by server.registration.unknown-host-pending)`,
    );
  }
  return { host, agent, result };
}
