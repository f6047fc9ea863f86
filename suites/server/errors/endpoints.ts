import {
  defineCheck,
  type AgentRef,
  type CheckContext,
  type HostIdentity,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { capabilityCaller, unknownCapabilityName } from '../_shared/capabilities.ts';
import { activeAgent } from '../_shared/registration.ts';
import { ERROR_FORMAT_REQUIREMENTS, expectErrors, type ErrorProbe } from './fixtures.ts';

const MALFORMED_JSON = '{"conformance": ';
const NOT_A_JWT = 'conformance-not-a-jwt';
const CORRUPT = { variant: 'corrupt-signature' } as const;

/** An agent id no server has issued. */
function unknownAgent(t: CheckContext, host: HostIdentity): AgentRef {
  return { host, agentId: `agt_conformance_unknown_${t.seed.toString(36)}` };
}

/** POSTs to a discovery endpoint with a verbatim body (for malformed JSON) or a JSON value. */
function post(
  t: CheckContext,
  endpoint: string,
  content: { body: string } | { json: unknown },
  token: string,
  label: string,
): Promise<HttpResult> {
  const payload =
    'body' in content
      ? { body: content.body, headers: { 'Content-Type': 'application/json' } }
      : { json: content.json };
  return t.client.raw('POST', t.client.endpointUrl(endpoint), { ...payload, token, label });
}

/** A host the server has approved, so host-authenticated endpoints get past the pending-host rule. */
async function activeHost(t: CheckContext): Promise<HostIdentity> {
  return (await approvedAgent(t)).host;
}

/**
 * An active agent the server registered, under an approved host. Probes whose one defect is something
 * else (a corrupted signature, a missing key) name this real agent, so an unknown `agent_id` never
 * rides along as a second defect the server could rightly answer first.
 */
async function approvedAgent(t: CheckContext): Promise<AgentRef> {
  const sync = t.capability('sync');
  const agent = await activeAgent(t, { capabilities: [sync] });
  return { host: agent.host, agentId: agent.agentId };
}

const invalidRequest = 'AAP-5.13-ERR.invalid_request';
const invalidJwt = 'AAP-5.13-ERR.invalid_jwt';
const activeHostNeeds = [{ control: 'approve' as const }, { capability: 'sync' as const }];

const registerErrors = defineCheck({
  id: 'server.errors.format-register',
  title: 'Registration answers malformed requests with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt, 'AAP-5.3-FIELD.name'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }],
  async run(t: CheckContext) {
    const host = await t.client.newHost();
    const agentKeys = await t.client.newAgentKeys();
    await expectErrors(t, 'POST register', [
      {
        what: 'malformed JSON body',
        send: async () => {
          const token = await t.client.hostToken(host, { agentPublicKey: agentKeys.publicJwk });
          return post(t, 'register', { body: MALFORMED_JSON }, token, 'register: malformed JSON');
        },
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'body without the required name',
        send: () => t.client.register(host, { agentKeys, body: { name: undefined } }),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'host JWT with a corrupted signature',
        send: () => t.client.register(host, { agentKeys }, CORRUPT),
        status: 401,
        code: 'invalid_jwt',
      },
    ]);
  },
});

const statusErrors = defineCheck({
  id: 'server.errors.format-status',
  title: 'Agent status answers bad requests and unknown agents with §5.13 errors',
  area: 'errors',
  requirements: [
    ...ERROR_FORMAT_REQUIREMENTS,
    invalidRequest,
    invalidJwt,
    'AAP-5.13-ERR.status.agent_not_found',
    'AAP-5.5-PARAM.agent_id',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'status' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    const agent = await approvedAgent(t);
    const host = agent.host;
    await expectErrors(t, 'GET status', [
      {
        what: 'unknown agent_id',
        send: () => t.client.status(unknownAgent(t, host)),
        status: 404,
        code: 'agent_not_found',
      },
      {
        what: 'no agent_id parameter',
        send: async () =>
          t.client.raw('GET', t.client.endpointUrl('status'), {
            token: await t.client.hostToken(host),
            label: 'status without agent_id',
          }),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'host JWT with a corrupted signature',
        send: () => t.client.status(agent, CORRUPT),
        status: 401,
        code: 'invalid_jwt',
      },
    ]);
  },
});

/** Probes of the host-authenticated POST endpoints that take `{agent_id}` (revoke, reactivate). */
function agentIdEndpointProbes(t: CheckContext, endpoint: 'revoke' | 'reactivate', agent: AgentRef): ErrorProbe[] {
  const host = agent.host;
  const call = endpoint === 'revoke' ? t.client.revoke.bind(t.client) : t.client.reactivate.bind(t.client);
  return [
    {
      what: 'malformed JSON body',
      send: async () =>
        post(t, endpoint, { body: MALFORMED_JSON }, await t.client.hostToken(host), `${endpoint}: malformed JSON`),
      status: 400,
      code: 'invalid_request',
    },
    {
      what: 'body without agent_id',
      send: async () => post(t, endpoint, { json: {} }, await t.client.hostToken(host), `${endpoint} without agent_id`),
      status: 400,
      code: 'invalid_request',
    },
    {
      what: 'host JWT with a corrupted signature',
      send: () => call(agent, CORRUPT),
      status: 401,
      code: 'invalid_jwt',
    },
    { what: 'unknown agent_id', send: () => call(unknownAgent(t, host)), status: 404, code: 'agent_not_found' },
  ];
}

const revokeErrors = defineCheck({
  id: 'server.errors.format-revoke',
  title: 'Agent revocation answers bad requests and unknown agents with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt, 'AAP-5.13-ERR.revoke.agent_not_found'],
  level: 'MUST',
  needs: [{ endpoint: 'revoke' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    await expectErrors(t, 'POST revoke', agentIdEndpointProbes(t, 'revoke', await approvedAgent(t)));
  },
});

const reactivateErrors = defineCheck({
  id: 'server.errors.format-reactivate',
  title: 'Reactivation answers bad requests and unknown agents with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt, 'AAP-5.13-ERR.reactivate.agent_not_found'],
  level: 'MUST',
  needs: [{ endpoint: 'reactivate' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    await expectErrors(t, 'POST reactivate', agentIdEndpointProbes(t, 'reactivate', await approvedAgent(t)));
  },
});

const requestCapabilityErrors = defineCheck({
  id: 'server.errors.format-request-capability',
  title: 'Capability requests answer malformed requests with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt, 'AAP-5.4-FIELD.capabilities'],
  level: 'MUST',
  needs: [{ endpoint: 'request_capability' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await activeAgent(t, { capabilities: [sync] });
    await expectErrors(t, 'POST request-capability', [
      {
        what: 'malformed JSON body',
        send: async () =>
          post(
            t,
            'request_capability',
            { body: MALFORMED_JSON },
            await t.client.agentToken(agent),
            'request capability: malformed JSON',
          ),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'body without capabilities',
        send: async () =>
          post(
            t,
            'request_capability',
            { json: {} },
            await t.client.agentToken(agent),
            'request capability without capabilities',
          ),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'agent JWT with a corrupted signature',
        send: () => t.client.requestCapability(agent, [unknownCapabilityName(t)], {}, CORRUPT),
        status: 401,
        code: 'invalid_jwt',
      },
    ]);
  },
});

/** Probes of the key rotation endpoints; `body` is a complete request body apart from the key. */
function rotationProbes(
  t: CheckContext,
  endpoint: 'rotate_key' | 'rotate_host_key',
  host: HostIdentity,
  body: Record<string, unknown>,
): ErrorProbe[] {
  const label = endpoint.replaceAll('_', ' ');
  return [
    {
      what: 'malformed JSON body',
      send: async () =>
        post(t, endpoint, { body: MALFORMED_JSON }, await t.client.hostToken(host), `${label}: malformed JSON`),
      status: 400,
      code: 'invalid_request',
    },
    {
      what: 'body without public_key',
      send: async () =>
        post(t, endpoint, { json: body }, await t.client.hostToken(host), `${label} without public_key`),
      status: 400,
      code: 'invalid_request',
    },
    {
      what: 'host JWT with a corrupted signature',
      send: async () => {
        const key = (await t.client.newAgentKeys()).publicJwk;
        return post(
          t,
          endpoint,
          { json: { ...body, public_key: key } },
          await t.client.hostToken(host, CORRUPT),
          `${label}: corrupted JWT`,
        );
      },
      status: 401,
      code: 'invalid_jwt',
    },
  ];
}

const rotateKeyErrors = defineCheck({
  id: 'server.errors.format-rotate-key',
  title: 'Agent key rotation answers malformed requests with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt],
  level: 'MUST',
  needs: [{ endpoint: 'rotate_key' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    const agent = await approvedAgent(t);
    await expectErrors(t, 'POST rotate-key', rotationProbes(t, 'rotate_key', agent.host, { agent_id: agent.agentId }));
  },
});

const rotateHostKeyErrors = defineCheck({
  id: 'server.errors.format-rotate-host-key',
  title: 'Host key rotation answers malformed requests with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt],
  level: 'MUST',
  needs: [{ endpoint: 'rotate_host_key' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    await expectErrors(t, 'POST host rotate-key', rotationProbes(t, 'rotate_host_key', await activeHost(t), {}));
  },
});

const revokeHostErrors = defineCheck({
  id: 'server.errors.format-revoke-host',
  title: 'Host revocation answers a bad or unknown host JWT with a §5.13 error',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidJwt, 'AAP-5.13-ERR.host-revoke.host_not_found'],
  level: 'MUST',
  rulings: ['RUL-HOST-NOT-FOUND'],
  needs: [{ endpoint: 'revoke_host' }, ...activeHostNeeds],
  async run(t: CheckContext) {
    const host = await activeHost(t);
    const stranger = await t.client.newHost();
    await expectErrors(t, 'POST host revoke', [
      {
        what: 'host JWT with a corrupted signature',
        send: () => t.client.revokeHost(host, CORRUPT),
        status: 401,
        code: 'invalid_jwt',
      },
      {
        what: 'JWT of a host the server does not know',
        send: () => t.client.revokeHost(stranger),
        status: [401, 404],
        code: ['invalid_jwt', 'host_not_found'],
      },
    ]);
  },
});

/** Capability names of a listing answer, sorted; undefined when it is not a 200 listing. */
function listedNames(result: HttpResult): string[] | undefined {
  const entries: unknown = result.json?.capabilities;
  if (result.status !== 200 || !Array.isArray(entries)) return undefined;
  return entries.map((entry) => String((entry as { name?: unknown } | null)?.name)).sort();
}

/**
 * RUL-OPTIONAL-AUTH-BAD-TOKEN: a listing for a failed token that is exactly the anonymous listing is
 * tolerated here (server.capabilities.invalid-token-refused warns about it); more than that is not.
 */
function anonymousListing(anonymous: HttpResult): (result: HttpResult) => string | undefined {
  return (result) => {
    const names = listedNames(result);
    const expected = listedNames(anonymous);
    if (names === undefined || expected === undefined || names.join() !== expected.join()) return undefined;
    const entries: unknown[] = result.json.capabilities;
    if (entries.some((entry) => (entry as { grant_status?: unknown } | null)?.grant_status !== undefined))
      return undefined;
    return 'answered with the anonymous listing instead of 401 invalid_jwt, tolerated by RUL-OPTIONAL-AUTH-BAD-TOKEN (server.capabilities.invalid-token-refused scores it)';
  };
}

const capabilityListErrors = defineCheck({
  id: 'server.errors.format-capability-list',
  title: 'Capability listing answers bad bearer tokens with §5.13 errors (or, tolerated, as an anonymous caller)',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidJwt],
  level: 'MUST',
  rulings: ['RUL-OPTIONAL-AUTH-BAD-TOKEN'],
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const host = await t.client.newHost();
    const tolerated = anonymousListing(await t.client.listCapabilities('none'));
    await expectErrors(t, 'GET capability list', [
      {
        what: 'a bearer token that is not a JWT',
        send: () => t.client.listCapabilities('none', {}, { token: NOT_A_JWT }),
        status: 401,
        code: 'invalid_jwt',
        tolerated,
      },
      {
        what: 'host JWT with a corrupted signature',
        send: () => t.client.listCapabilities(host, {}, CORRUPT),
        status: 401,
        code: 'invalid_jwt',
        tolerated,
      },
    ]);
  },
});

const describeErrors = defineCheck({
  id: 'server.errors.format-capability-describe',
  title: 'Capability describe answers bad requests and unknown names with §5.13 errors',
  area: 'errors',
  requirements: [
    ...ERROR_FORMAT_REQUIREMENTS,
    invalidRequest,
    invalidJwt,
    'AAP-5.2.1-PARAM.name',
    'AAP-5.13-ERR.capability-describe.capability_not_found',
  ],
  level: 'MUST',
  rulings: ['RUL-OPTIONAL-AUTH-BAD-TOKEN'],
  needs: [{ endpoint: 'describe_capability' }],
  async run(t: CheckContext) {
    const caller = await capabilityCaller(t);
    const token =
      caller === 'none'
        ? undefined
        : caller.kind === 'agent'
          ? await t.client.agentToken(caller)
          : await t.client.hostToken(caller);
    await expectErrors(t, 'GET capability describe', [
      {
        what: 'no name parameter',
        send: () =>
          t.client.raw('GET', t.client.endpointUrl('describe_capability'), {
            ...(token !== undefined && { token }),
            label: 'describe without name',
          }),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'unknown capability name',
        send: () => t.client.describeCapability(unknownCapabilityName(t), caller),
        status: 404,
        code: 'capability_not_found',
      },
      {
        what: 'a bearer token that is not a JWT',
        send: () => t.client.describeCapability(unknownCapabilityName(t), 'none', { token: NOT_A_JWT }),
        status: 401,
        code: 'invalid_jwt',
        // The anonymous answer for an unknown name (RUL-OPTIONAL-AUTH-BAD-TOKEN).
        tolerated: (result) =>
          result.status === 404 && result.json?.error === 'capability_not_found'
            ? 'answered 404 capability_not_found as to an anonymous caller instead of 401 invalid_jwt, tolerated by RUL-OPTIONAL-AUTH-BAD-TOKEN (server.capabilities.invalid-token-refused scores it)'
            : undefined,
      },
    ]);
  },
});

const executeErrors = defineCheck({
  id: 'server.errors.format-execute',
  title: 'Execution answers malformed requests with §5.13 errors',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest, invalidJwt],
  level: 'MUST',
  needs: activeHostNeeds,
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await activeAgent(t, { capabilities: [sync] });
    const location = t.client.locationFor(sync);
    const send = async (content: { body: string } | { json: unknown }, label: string) => {
      const token = await t.client.agentToken(agent, { aud: location });
      const payload =
        'body' in content
          ? { body: content.body, headers: { 'Content-Type': 'application/json' } }
          : { json: content.json };
      return t.client.raw('POST', location, { ...payload, token, label });
    };
    await expectErrors(t, `POST ${location}`, [
      {
        what: 'malformed JSON body',
        send: () => send({ body: MALFORMED_JSON }, 'execute: malformed JSON'),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'body without capability',
        send: () => send({ json: { arguments: {} } }, 'execute without capability'),
        status: 400,
        code: 'invalid_request',
      },
      {
        what: 'agent JWT with a corrupted signature',
        send: () => t.client.execute(agent, sync, {}, { tokenOpts: CORRUPT }),
        status: 401,
        code: 'invalid_jwt',
      },
    ]);
  },
});

const introspectErrors = defineCheck({
  id: 'server.errors.format-introspect',
  title: 'Introspection answers a malformed body with a §5.13 error',
  area: 'errors',
  requirements: [...ERROR_FORMAT_REQUIREMENTS, invalidRequest],
  level: 'MUST',
  needs: [{ endpoint: 'introspect' }],
  async run(t: CheckContext) {
    await expectErrors(t, 'POST introspect', [
      {
        what: 'malformed JSON body',
        send: () =>
          t.client.raw('POST', t.client.endpointUrl('introspect'), {
            body: MALFORMED_JSON,
            headers: { 'Content-Type': 'application/json' },
            label: 'introspect: malformed JSON',
          }),
        status: 400,
        code: 'invalid_request',
      },
    ]);
  },
});

export const checks = [
  registerErrors,
  statusErrors,
  revokeErrors,
  reactivateErrors,
  requestCapabilityErrors,
  rotateKeyErrors,
  rotateHostKeyErrors,
  revokeHostErrors,
  capabilityListErrors,
  describeErrors,
  executeErrors,
  introspectErrors,
];
