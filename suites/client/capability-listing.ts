import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * list_capabilities and describe_capability (§6.3, §6.3.1): what reaches GET /capability/list and
 * /capability/describe, and what the tools hand back to the agent.
 */

const CONNECT = connectStep('conformance listing');

/** A name no server offers, to ask about. */
const UNKNOWN_CAPABILITY = 'no_such_capability_x9';

const listAsHost = defineScenario({
  id: 'client.capabilities.list-as-host',
  title:
    'list_capabilities without agent_id asks with a host JWT and hands back names and descriptions, no grant status',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3-STEP1', 'AAP-6.3-STEP2', 'AAP-6.3-SHAPE.list_capabilities', 'AAP-6.3-RESP.grant_status'],
  tools: ['list_capabilities'],
  knobs: AUTO,
  steps: [{ call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } }],
  expect: [
    { because: 'a listing to judge', precondition: true, requests: { endpoint: 'list' }, count: { min: 1 } },
    {
      because: 'the listing authenticates with a host JWT (§6.3 step 1)',
      requests: { endpoint: 'list' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    { because: 'list_capabilities (§6.3 step 2)', call: 'l', ok: true },
    {
      because: 'the listing handed back holds what the server listed (§6.3 step 2)',
      call: 'l',
      path: 'capabilities[name=${cap.sync}].description',
      is: { present: true },
    },
    { because: 'each entry has a name (§6.3)', call: 'l', path: 'capabilities.0.name', is: { matches: '\\S' } },
    {
      because: 'each entry has a description (§6.3)',
      call: 'l',
      path: 'capabilities.0.description',
      is: { present: true },
    },
    {
      because: 'no grant status on a listing fetched as the host (§6.3)',
      call: 'l',
      path: 'capabilities.0.grant_status',
      is: { absent: true },
    },
  ],
});

const listAsAgent = defineScenario({
  id: 'client.capabilities.list-as-agent',
  title: 'list_capabilities with agent_id asks with that agent’s JWT and hands back each capability’s grant status',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3-FIELD.agent_id', 'AAP-6.3-STEP1', 'AAP-6.3-RESP.grant_status'],
  tools: ['connect_agent', 'list_capabilities'],
  knobs: AUTO,
  steps: [CONNECT, { call: 'list_capabilities', as: 'l', args: { provider: '${provider}', agent_id: '${agent}' } }],
  // Fails: A client that lists as the host although an agent_id was given, or drops grant_status, fails.
  expect: [
    {
      because: 'the listing as the agent is fetched with its JWT (§6.3 step 1)',
      requests: { endpoint: 'list', after: 'l', auth: 'agent' },
      count: { min: 1 },
    },
    {
      because: 'the listing names the agent asking (§6.3)',
      requests: { endpoint: 'list', after: 'l' },
      every: 'jwt.claims.sub',
      is: { eq: '${agent}' },
    },
    { because: 'list_capabilities as the agent (§6.3)', call: 'l', ok: true },
    {
      because: 'a granted capability listed as granted (§6.3)',
      call: 'l',
      path: 'capabilities[name=${cap.sync}].grant_status',
      is: { eq: 'granted' },
    },
    {
      because: 'a capability never requested listed as not granted (§6.3)',
      call: 'l',
      path: 'capabilities[name=${cap.highRisk}].grant_status',
      is: { eq: 'not_granted' },
    },
  ],
});

const listQuery = defineScenario({
  id: 'client.capabilities.list-query-forwarded',
  title: 'list_capabilities passes the agent’s search query on to the server',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3-FIELD.query'],
  tools: ['list_capabilities'],
  knobs: AUTO,
  steps: [{ call: 'list_capabilities', as: 'l', args: { provider: '${provider}', query: 'account balance' } }],
  // Fails: A client that leaves the query out (and filters locally, or not at all) fails.
  expect: [
    { because: 'a listing to judge', precondition: true, requests: { endpoint: 'list' }, count: { min: 1 } },
    {
      because: 'the query parameter of the listing (§6.3)',
      requests: { endpoint: 'list' },
      every: 'query.query',
      is: { eq: 'account balance' },
    },
  ],
});

/** The scripted server's two pages: a cursor on the first, the last page without one. */
const PAGE_CURSOR = 'conformance-page-2';
const PAGES = [
  {
    endpoint: 'list' as const,
    nth: 1,
    status: 200,
    body: {
      capabilities: [{ name: 'conformance_page_one', description: 'Listed on the first page' }],
      next_cursor: PAGE_CURSOR,
      has_more: true,
    },
  },
  // Every later listing: the last page (a client may fetch it by itself or when the agent asks).
  {
    endpoint: 'list' as const,
    status: 200,
    body: {
      capabilities: [{ name: 'conformance_page_two', description: 'Listed on the last page' }],
      next_cursor: null,
      has_more: false,
    },
  },
];

/**
 * The listing comes in two pages (§5.2). A client may hand the agent the first page with its cursor
 * or fetch the rest by itself; either way each page's capabilities reach the agent, and a cursor the
 * agent passes goes to the server unchanged.
 */
const listPaginated = defineScenario({
  id: 'client.capabilities.list-paginated',
  title: 'A paginated listing reaches the agent page by page, the agent’s cursor passed on as given',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-5.2-06', 'AAP-6.3-FIELD.cursor'],
  tools: ['list_capabilities'],
  knobs: { ...AUTO, answers: PAGES },
  steps: [
    { call: 'list_capabilities', as: 'first', args: { provider: '${provider}' } },
    { call: 'list_capabilities', as: 'next', args: { provider: '${provider}', cursor: PAGE_CURSOR } },
  ],
  // Fails: A client that shows only the first page and cannot fetch from a cursor, or alters the cursor, fails.
  expect: [
    { because: 'the first page of a paginated listing (§5.2)', call: 'first', ok: true },
    { because: 'the first page’s capability (§5.2)', call: 'first', mentions: 'conformance_page_one', where: 'result' },
    { because: 'the listing from the cursor (§6.3)', call: 'next', ok: true },
    { because: 'the last page’s capability (§5.2)', call: 'next', mentions: 'conformance_page_two', where: 'result' },
    {
      // A client that already fetched the last page by itself may answer from it without asking again.
      because: 'the cursor the agent passed (§6.3)',
      requests: { endpoint: 'list', after: 'next' },
      every: 'query.cursor',
      is: { eq: PAGE_CURSOR },
    },
  ],
});

const describeAsHost = defineScenario({
  id: 'client.capabilities.describe-as-host',
  title:
    'describe_capability asks for the named capability with a host JWT and hands back all of it, input schema included',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3.1-FIELD.name', 'AAP-6.3.1-STEP1', 'AAP-6.3.1-STEP2', 'AAP-6.3.1-SHAPE.describe_capability'],
  tools: ['describe_capability'],
  knobs: AUTO,
  steps: [{ call: 'describe_capability', as: 'd', args: { provider: '${provider}', name: '${cap.withInput}' } }],
  expect: [
    { because: 'a description to judge', precondition: true, requests: { endpoint: 'describe' }, count: { min: 1 } },
    {
      because: 'the name asked about (§6.3.1)',
      requests: { endpoint: 'describe' },
      every: 'query.name',
      is: { eq: '${cap.withInput}' },
    },
    {
      because: 'the description authenticates with a host JWT (§6.3.1 step 1)',
      requests: { endpoint: 'describe' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    { because: 'describe_capability (§6.3.1 step 2)', call: 'd', ok: true },
    { because: 'the capability described (§6.3.1)', call: 'd', path: 'name', is: { eq: '${cap.withInput}' } },
    { because: 'its description (§6.3.1)', call: 'd', path: 'description', is: { present: true } },
    { because: 'its input schema (§6.3.1 step 2)', call: 'd', path: 'input.properties', is: { present: true } },
    {
      because: 'no grant status when asked as the host (§6.3.1)',
      call: 'd',
      path: 'grant_status',
      is: { absent: true },
    },
  ],
});

const describeAsAgent = defineScenario({
  id: 'client.capabilities.describe-as-agent',
  title: 'describe_capability with agent_id asks with that agent’s JWT and hands back the grant status',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3.1-FIELD.agent_id', 'AAP-6.3.1-STEP1', 'AAP-6.3.1-SHAPE.describe_capability'],
  tools: ['connect_agent', 'describe_capability'],
  knobs: AUTO,
  steps: [
    CONNECT,
    {
      call: 'describe_capability',
      as: 'd',
      args: { provider: '${provider}', name: '${cap.sync}', agent_id: '${agent}' },
    },
  ],
  // Fails: A client that describes as the host although an agent_id was given, or drops grant_status, fails.
  expect: [
    {
      because: 'the description as the agent is fetched with its JWT (§6.3.1 step 1)',
      requests: { endpoint: 'describe', after: 'd', auth: 'agent' },
      count: { min: 1 },
    },
    {
      because: 'the description names the agent asking (§6.3.1)',
      requests: { endpoint: 'describe', after: 'd' },
      every: 'jwt.claims.sub',
      is: { eq: '${agent}' },
    },
    { because: 'describe_capability as the agent (§6.3.1)', call: 'd', ok: true },
    {
      because: 'the grant status of a granted capability (§6.3.1)',
      call: 'd',
      path: 'grant_status',
      is: { eq: 'granted' },
    },
  ],
});

const describeUnknown = defineScenario({
  id: 'client.capabilities.describe-unknown-reported',
  title: 'describe_capability for a name the server does not know reports it as not found',
  area: 'capability-requests',
  level: 'SHOULD',
  requirements: ['AAP-6.3.1-01'],
  tools: ['describe_capability'],
  knobs: AUTO,
  steps: [{ call: 'describe_capability', as: 'd', args: { provider: '${provider}', name: UNKNOWN_CAPABILITY } }],
  // Fails: A client that reports success, or an error that does not name the capability, fails.
  expect: [
    {
      because: 'the description was asked for',
      precondition: true,
      requests: { endpoint: 'describe' },
      count: { min: 1 },
    },
    { because: 'describe_capability for an unknown name (§6.3.1)', call: 'd', ok: false },
    {
      because: 'the error names the capability not found (§6.3.1)',
      call: 'd',
      mentions: UNKNOWN_CAPABILITY,
      where: 'result',
    },
  ],
});

/**
 * The listing answers 401 to a request without a token (§5.2). A client that lists anonymously then
 * retries with a host or agent JWT; one that always sends a JWT never meets the 401 and passes as well.
 */
const listAfterChallenge = defineScenario({
  id: 'client.capabilities.list-retried-with-jwt-after-401',
  title: 'A capability listing refused with 401 is asked again with a host or agent JWT',
  area: 'capability-requests',
  level: 'SHOULD',
  requirements: ['AAP-5.2-09'],
  tools: ['list_capabilities'],
  knobs: { ...AUTO, listing: { requiresAuth: true } },
  steps: [{ call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } }],
  // Fails: A client that gives up after the 401, or retries without a token, fails.
  expect: [
    {
      because: 'a listing with a host or agent JWT, after a 401 or instead of one (§5.2)',
      requests: { endpoint: 'list', auth: ['host', 'agent'] },
      count: { min: 1 },
    },
    { because: 'list_capabilities against a server that needs a token (§5.2)', call: 'l', ok: true },
  ],
});

const describeCached = defineScenario({
  id: 'client.capabilities.description-cached',
  title: 'A capability described twice in a row is fetched from the server once',
  area: 'capability-requests',
  level: 'SHOULD',
  requirements: ['AAP-10.6-03'],
  tools: ['describe_capability'],
  knobs: AUTO,
  steps: [
    { call: 'describe_capability', as: 'd1', args: { provider: '${provider}', name: '${cap.sync}' } },
    { call: 'describe_capability', as: 'd2', args: { provider: '${provider}', name: '${cap.sync}' } },
  ],
  // Fails: A client that keeps no capability cache fetches the description twice and fails.
  expect: [
    { because: 'a description fetched', precondition: true, requests: { endpoint: 'describe' }, count: { min: 1 } },
    { because: 'the second describe_capability (§6.3.1)', call: 'd2', ok: true },
    {
      // The answer allows caching for five minutes (Cache-Control: private, max-age=300).
      because: 'fetches of one description within seconds (§10.6)',
      requests: { endpoint: 'describe' },
      count: { max: 1 },
    },
  ],
});

/** Both tools name the provider as list_providers calls it: the call reaches that provider. */
const providerByName = defineScenario({
  id: 'client.capabilities.provider-by-name',
  title: 'list_capabilities and describe_capability reach the provider named as list_providers names it',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.3-FIELD.provider', 'AAP-6.3.1-FIELD.provider'],
  tools: ['list_providers', 'list_capabilities', 'describe_capability'],
  knobs: AUTO,
  steps: [
    { call: 'list_providers', as: 'p', require: 'ok' },
    { call: 'list_capabilities', as: 'l', args: { provider: '${p.0.name}' } },
    { call: 'describe_capability', as: 'd', args: { provider: '${p.0.name}', name: '${cap.sync}' } },
  ],
  // Fails: A client that does not take the name list_providers gave as a provider fails.
  expect: [
    { because: 'list_capabilities for the named provider (§6.3)', call: 'l', ok: true },
    {
      because: 'the listing sent to the named provider (§6.3)',
      requests: { endpoint: 'list', after: 'l', listener: 'sim' },
      count: { min: 1 },
    },
    { because: 'describe_capability for the named provider (§6.3.1)', call: 'd', ok: true },
    {
      because: 'the description asked of the named provider (§6.3.1)',
      requests: { endpoint: 'describe', after: 'd', listener: 'sim' },
      count: { min: 1 },
    },
  ],
});

export const scenarios: Scenario[] = [
  listAsHost,
  listAsAgent,
  listQuery,
  listPaginated,
  describeAsHost,
  describeAsAgent,
  describeUnknown,
  listAfterChallenge,
  describeCached,
  providerByName,
];
