import {
  describeAnswer,
  type AgentIdentity,
  type AgentMode,
  type CheckContext,
  type FixtureOptions,
  type HostIdentity,
  type PublishedJwks,
  type RegisterOptions,
  type RegisterResult,
} from '../../../src/harness/api.ts';

/** Registering agents the way most checks need them: in the fixture mode, active or still pending (§5.3). */

/**
 * The agent a registration created: fails unless the answer is 200 or 201 with an agent_id (§5.3).
 * A registration whose keys the server had to fetch from a harness-served JWKS passes that set as
 * `jwks`: then any 2xx answer with an agent_id will do (those checks judge key fetching, not the
 * registration status code), and a failure says how often the server fetched the set.
 */
export function expectRegistered(
  t: CheckContext,
  result: RegisterResult,
  what = 'registration',
  jwks?: PublishedJwks,
): AgentIdentity {
  if (jwks === undefined) t.expectStatus(result, [200, 201], what);
  if (result.agent === undefined) {
    const fetched = jwks === undefined ? '' : ` (the server fetched ${jwks.url} ${jwks.fetches.length} time(s))`;
    t.fail(`${what}: the registration created no agent (§5.3), answer: ${describeAnswer(result)}${fetched}`);
  }
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
