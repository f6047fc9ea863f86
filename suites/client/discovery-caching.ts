import { defineScenario, type FixedAnswer, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO } from './common.ts';

/**
 * How long a client keeps the discovery document, and what it does when the document or an endpoint
 * goes away (§5.1, §10.5). The steps describe capabilities as the host, by different names so no
 * capability cache answers them: each step needs the endpoints the document names.
 */

function describeStep(as: string, name: string): Step {
  return { call: 'describe_capability', as, args: { provider: '${provider}', name } };
}

/** Three uses of the document a few seconds apart: long before any sensible lifetime runs out. */
const THREE_USES: Step[] = [
  describeStep('d1', '${cap.sync}'),
  { wait: 2000 },
  describeStep('d2', '${cap.withInput}'),
  describeStep('d3', '${cap.async}'),
];

/**
 * No Cache-Control, no Expires: the document stays fresh for an hour, so it is fetched once. A client
 * that fetches discovery before every request, or treats a document without cache headers as stale
 * at once, fails.
 */
const withoutCacheHeaders = defineScenario({
  id: 'client.discovery.kept-an-hour-without-cache-headers',
  title: 'A discovery document without cache headers is used for later requests without fetching it again',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-5.1-13', 'AAP-10.5-05'],
  tools: ['describe_capability'],
  knobs: { ...AUTO, discovery: { cacheControl: null } },
  steps: THREE_USES,
  expect: [
    {
      because: 'descriptions after the first',
      precondition: true,
      requests: { endpoint: 'describe', after: 'd2' },
      count: { min: 1 },
    },
    {
      because: 'discovery fetches within one hour (§5.1, §10.5)',
      requests: { endpoint: 'discovery' },
      count: { max: 1 },
    },
  ],
});

/** The simulator's usual answer (max-age one hour): one fetch for the whole scenario. */
const cachedWithinMaxAge = defineScenario({
  id: 'client.discovery.cached-within-max-age',
  title: 'The discovery document is cached: requests seconds apart do not fetch it again',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-10.5-01'],
  tools: ['describe_capability'],
  knobs: AUTO,
  steps: THREE_USES,
  expect: [
    {
      because: 'descriptions after the first',
      precondition: true,
      requests: { endpoint: 'describe', after: 'd2' },
      count: { min: 1 },
    },
    { because: 'discovery fetches within its hour (§10.5)', requests: { endpoint: 'discovery' }, count: { max: 1 } },
  ],
});

/**
 * The second description is answered 410 with a body that is no protocol error (the path itself is
 * gone, as when a server moved its endpoints): the client fetches discovery again to learn where they
 * are now. The document is fresh for an hour, so only the 410 explains a fetch.
 */
const refetchOnGone = defineScenario({
  id: 'client.discovery.refetched-after-unexpected-410',
  title: 'An endpoint that worked and then answers 410 makes the client fetch discovery again',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-10.5-02'],
  tools: ['describe_capability'],
  knobs: {
    ...AUTO,
    answers: [{ endpoint: 'describe', nth: 2, status: 410, headers: { 'content-type': 'text/plain' }, body: 'Gone' }],
  },
  steps: [describeStep('d1', '${cap.sync}'), describeStep('d2', '${cap.withInput}')],
  expect: [
    {
      because: 'the endpoint worked before the 410',
      precondition: true,
      requests: { endpoint: 'describe', before: 'd2' },
      count: { min: 1, max: 1 },
    },
    { because: 'the 410', precondition: true, requests: { endpoint: 'describe', after: 'd2' }, count: { min: 1 } },
    {
      because: 'discovery fetched again after the 410 (§10.5)',
      requests: { endpoint: 'discovery', after: 'd2' },
      count: { min: 1 },
    },
  ],
});

/** Every discovery fetch after the first fails (several ordinals, as fixed answers name them one by one). */
const DISCOVERY_DOWN: FixedAnswer[] = [2, 3, 4, 5, 6, 7, 8].map((nth) => ({
  endpoint: 'discovery',
  nth,
  status: 503,
  body: { error: 'internal_error', message: 'conformance: discovery is down for maintenance' },
}));

/**
 * The document may be reused for one second; after that every fetch of it fails with 503. The stale
 * document is all the client has, and nothing forbids serving it stale (no must-revalidate): the
 * describe goes ahead with it. A client that gives up when the refetch fails sends no description.
 */
const lastGoodDocument = defineScenario({
  id: 'client.discovery.last-good-used-while-unreachable',
  title: 'While discovery answers 503, the client goes on with the last document it fetched',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-10.5-03'],
  tools: ['describe_capability'],
  knobs: { ...AUTO, discovery: { cacheControl: 'max-age=1' }, answers: DISCOVERY_DOWN },
  steps: [describeStep('d1', '${cap.sync}'), { wait: 2000 }, describeStep('d2', '${cap.withInput}')],
  expect: [
    {
      because: 'a good document fetched first',
      precondition: true,
      requests: { endpoint: 'describe', before: 'd2' },
      count: { min: 1 },
    },
    {
      because: 'discovery asked again once stale and answered 503',
      precondition: true,
      requests: { endpoint: 'discovery', after: 'd2' },
      count: { min: 1 },
    },
    {
      because: 'the description sent with the last good document (§10.5)',
      requests: { endpoint: 'describe', after: 'd2' },
      count: { min: 1 },
    },
    { because: 'describe_capability while discovery is down (§10.5)', call: 'd2', ok: true },
  ],
});

export const scenarios: Scenario[] = [withoutCacheHeaders, cachedWithinMaxAge, refetchOnGone, lastGoodDocument];
