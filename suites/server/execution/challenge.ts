import {
  AGENT_AUTH_SCHEME,
  argumentsFor,
  defineCheck,
  describeAnswer,
  isAbsoluteHttpUrl,
  parseWwwAuthenticate,
  type AuthChallenge,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import { activeGrants, agentWith, argumentsOf, describeAs, profileCapabilities } from './fixtures.ts';

/** Every challenge of the answer's WWW-Authenticate field (none without one); fails on a malformed field. */
function challengesOf(t: CheckContext, result: HttpResult, what: string): AuthChallenge[] {
  const header = result.headers['www-authenticate'];
  if (header === undefined) return [];
  try {
    return parseWwwAuthenticate(header);
  } catch (error) {
    return t.fail(
      `${what}: WWW-Authenticate "${header}" is not a valid challenge list (RFC 7235, §5.14): ${(error as Error).message}`,
    );
  }
}

function isAgentAuth(challenge: AuthChallenge): boolean {
  return challenge.scheme.toLowerCase() === AGENT_AUTH_SCHEME.toLowerCase();
}

/** Fails unless `discovery` is the absolute URL of the target's discovery document (§5.14). */
async function expectDiscoveryUrl(t: CheckContext, discovery: string | undefined, what: string): Promise<void> {
  t.expect(discovery !== undefined, `${what}: the AgentAuth challenge has no discovery parameter (§5.14)`);
  t.expect(
    isAbsoluteHttpUrl(discovery),
    `${what}: the AgentAuth discovery parameter "${discovery}" is not an absolute http(s) URL (§5.14)`,
  );
  if (new URL(discovery).href === new URL(t.client.target.discoveryUrl).href) return;
  // Another spelling of the same document is fine: it must serve this authorization server's discovery.
  const fetched = await t.client.raw('GET', discovery, { label: 'discovery named by the AgentAuth challenge' });
  t.expect(
    fetched.status === 200 && fetched.json?.issuer === t.client.issuer,
    `${what}: the AgentAuth challenge names ${discovery}, which answered ${describeAnswer(fetched)} with issuer ${JSON.stringify(fetched.json?.issuer)}, not the discovery document of ${t.client.issuer} (§5.14)`,
  );
}

const challengeOnUnauthenticated = defineCheck({
  id: 'server.execution.agent-auth-challenge',
  title:
    'An AgentAuth challenge on a 401 from the execution location is well formed and names the absolute discovery URL',
  area: 'execution',
  requirements: ['AAP-5.14-01', 'AAP-5.14-02'],
  level: 'MAY',
  needs: [{ capability: 'sync' }],
  async run(t: CheckContext) {
    const capability = t.capability('sync');
    const location = t.client.locationFor(capability);
    const json = { capability, arguments: argumentsFor(t.profile, capability) };
    const attempts = [
      {
        what: `execute ${capability} at ${location} without Authorization`,
        result: await t.client.raw('POST', location, { json, label: 'execute without a token' }),
      },
      {
        what: `execute ${capability} at ${location} with a bearer token that is no JWT`,
        result: await t.client.raw('POST', location, {
          json,
          token: 'not-a-jwt',
          label: 'execute with a non-JWT token',
        }),
      },
    ];
    const refused = attempts.filter(({ result }) => result.status === 401);
    if (refused.length === 0)
      t.notApplicable(
        `no 401 to look at: ${attempts.map(({ what, result }) => `${what} answered ${describeAnswer(result)}`).join('; ')}`,
      );
    let challenged = 0;
    for (const { what, result } of refused) {
      const challenges = challengesOf(t, result, what);
      const agentAuth = challenges.filter(isAgentAuth);
      if (agentAuth.length === 0) continue;
      challenged += 1;
      for (const challenge of agentAuth) await expectDiscoveryUrl(t, challenge.params['discovery'], what);
      const others = challenges.filter((challenge) => !isAgentAuth(challenge)).map((challenge) => challenge.scheme);
      if (others.length > 0)
        t.note(`${what}: the AgentAuth challenge comes with other challenges: ${others.join(', ')} (§5.14)`);
    }
    if (challenged === 0)
      t.notApplicable('the 401 answers of the execution location carry no AgentAuth challenge (optional, §5.14)');
    t.note(`${challenged} of ${refused.length} 401 answer(s) carry an AgentAuth challenge`);
  },
});

const notGrantedIsNoChallenge = defineCheck({
  id: 'server.execution.not-granted-no-challenge',
  title: 'A valid agent JWT for a capability the agent lacks answers 403 capability_not_granted, not a 401 challenge',
  area: 'execution',
  requirements: ['AAP-5.14-04'],
  level: 'SHOULD',
  rulings: ['RUL-HOST-DEFAULT-EXECUTION'],
  needs: [{ capability: 'sync' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const agent = await agentWith(t, [t.capability('sync')]);
    const held = await activeGrants(t, agent);
    const highRisk = t.profile.highRisk;
    const candidates = profileCapabilities(t).filter((name) => !held.includes(name));
    // A high-risk capability is never a host default, so the agent surely lacks it (RUL-HOST-DEFAULT-EXECUTION).
    const target = candidates.find((name) => name === highRisk) ?? candidates[0];
    if (target === undefined)
      t.notApplicable(`the agent holds every capability the profile names (${held.join(', ')})`);
    const narrowed = target !== highRisk && t.control?.supports('set-host-defaults') === true;
    if (narrowed)
      await t.control!.setHostDefaults({ host_id: await hostIdOf(t, agent.host, agent), capabilities: held });
    const args = argumentsOf(t, target, await describeAs(t, agent, target));
    const result = await t.client.execute(agent, target, args);
    const what = `execute ${target}, which the agent holds no grant for (it holds ${held.join(', ') || 'nothing'}), with a valid agent JWT`;
    if (result.status === 401) {
      const challenge = result.headers['www-authenticate'];
      t.fail(
        `${what}: answered 401${challenge === undefined ? '' : ` with WWW-Authenticate "${challenge}"`}; a valid token lacking the capability calls for 403 capability_not_granted (§5.14)`,
      );
    }
    if (result.status >= 200 && result.status < 300 && target !== highRisk && !narrowed) {
      t.skip(
        `${what}: it executed, probably as a default capability of the host (RUL-HOST-DEFAULT-EXECUTION), and the operator hook cannot narrow the host defaults`,
      );
    }
    t.expectError(result, 403, 'capability_not_granted', `${what} (§5.14)`);
  },
});

export const checks: CheckDefinition[] = [challengeOnUnauthenticated, notGrantedIsNoChallenge];
