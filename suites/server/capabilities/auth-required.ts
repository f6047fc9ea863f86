import {
  defineCheck,
  DISCOVERY_PATH,
  findAgentAuthChallenge,
  isAbsoluteHttpUrl,
  type AuthChallenge,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';

/** The unauthenticated listing, when the server refuses it with 401; not applicable otherwise (§5.2). */
async function refusedListing(t: CheckContext): Promise<HttpResult> {
  const result = await t.client.listCapabilities('none');
  t.expect(!result.error, `unauthenticated listing: no answer (${result.error?.kind}: ${result.error?.message})`);
  if (result.status !== 401)
    t.notApplicable(`the server answers unauthenticated listing with ${result.status}, not 401`);
  return result;
}

/** The AgentAuth challenge of a 401, undefined when the answer carries none; fails on unparsable headers. */
function agentAuthChallenge(t: CheckContext, result: HttpResult): AuthChallenge | undefined {
  const header = result.headers['www-authenticate'];
  if (header === undefined) return undefined;
  try {
    return findAgentAuthChallenge(header);
  } catch (error) {
    return t.fail(`WWW-Authenticate "${header}" is not a valid challenge list (RFC 7235): ${(error as Error).message}`);
  }
}

const authRequiredCode = defineCheck({
  id: 'server.capabilities.list-auth-required-code',
  title: 'A server refusing unauthenticated listing answers 401 authentication_required',
  area: 'capabilities',
  requirements: ['AAP-5.13-ERR.capability-list.authentication_required', 'AAP-5.2-07'],
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const result = await refusedListing(t);
    t.expectError(result, 401, 'authentication_required', 'unauthenticated listing (§5.2, §5.13)');
  },
});

const authRequiredChallenge = defineCheck({
  id: 'server.capabilities.list-auth-required-challenge',
  title: 'The 401 of an unauthenticated listing carries a WWW-Authenticate AgentAuth challenge',
  area: 'capabilities',
  requirements: ['AAP-5.2-08'],
  level: 'SHOULD',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const result = await refusedListing(t);
    const header = result.headers['www-authenticate'];
    t.expect(
      header !== undefined,
      'the 401 of the unauthenticated listing has no WWW-Authenticate header (§5.2, §5.14)',
    );
    t.expect(
      agentAuthChallenge(t, result) !== undefined,
      `WWW-Authenticate "${header}" has no AgentAuth challenge (§5.2, §5.14)`,
    );
  },
});

const challengeDiscovery = defineCheck({
  id: 'server.capabilities.list-challenge-discovery-url',
  title: "The listing's AgentAuth challenge names the absolute discovery URL",
  area: 'capabilities',
  requirements: ['AAP-5.14-PARAM.discovery'],
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const result = await refusedListing(t);
    const challenge = agentAuthChallenge(t, result);
    if (challenge === undefined) t.notApplicable('the 401 carries no AgentAuth challenge');
    const discovery = challenge.params['discovery'];
    t.expect(discovery !== undefined, 'the AgentAuth challenge has no discovery parameter (§5.14)');
    t.expect(
      isAbsoluteHttpUrl(discovery),
      `the AgentAuth discovery parameter "${discovery}" is not an absolute http(s) URL (§5.14)`,
    );
    t.expect(
      new URL(discovery).pathname.endsWith(DISCOVERY_PATH),
      `the AgentAuth discovery parameter "${discovery}" does not point at ${DISCOVERY_PATH} (§5.14)`,
    );
    if (discovery !== t.client.target.discoveryUrl) {
      t.note(`the challenge names ${discovery}; this run discovered the server at ${t.client.target.discoveryUrl}`);
    }
  },
});

export const checks = [authRequiredCode, authRequiredChallenge, challengeDiscovery];
