import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

const CONNECT = connectStep('conformance redirects');

/**
 * The agent's capability listing is redirected to another origin (the foreign listener, which records
 * whatever reaches it): a token signed for this server must never be shown there (§8.18). Refusing the
 * redirect and following it without the token both conform.
 */
const noTokenAcrossOrigins = defineScenario({
  id: 'client.security.no-token-on-cross-origin-redirect',
  title: 'A redirect to another origin never carries the JWT signed for this server',
  area: 'security',
  level: 'MUST',
  requirements: ['AAP-8.18-03'],
  tools: ['connect_agent', 'list_capabilities'],
  knobs: {
    ...AUTO,
    answers: [{ endpoint: 'list', status: 307, headers: { location: '{foreign}/capability/list' } }],
  },
  steps: [CONNECT, { call: 'list_capabilities', as: 'l', args: { provider: '${provider}', agent_id: '${agent}' } }],
  expect: [
    {
      because: 'an authenticated listing that was redirected',
      precondition: true,
      requests: { endpoint: 'list' },
      count: { min: 1 },
    },
    {
      because: 'the Authorization header at the other origin (§8.18)',
      requests: { listener: 'foreign' },
      every: 'header.authorization',
      is: { absent: true },
    },
  ],
});

/**
 * Discovery redirects to itself again and again: a client gives up after three redirects (§8.12), so
 * the document's URL is requested at most four times.
 */
const redirectLimit = defineScenario({
  id: 'client.security.redirect-limit',
  title: 'A client follows at most three redirects',
  area: 'security',
  level: 'SHOULD',
  requirements: ['AAP-8.12-10'],
  tools: ['discover_provider'],
  knobs: {
    answers: [{ endpoint: 'discovery', status: 307, headers: { location: '{sim}/.well-known/agent-configuration' } }],
  },
  steps: [{ call: 'discover_provider', as: 'd', args: { url: '${provider}' } }],
  expect: [
    { because: 'a discovery request', precondition: true, requests: { endpoint: 'discovery' }, count: { min: 1 } },
    {
      because: 'requests for the redirected document (at most three redirects, §8.12)',
      requests: { endpoint: 'discovery' },
      count: { max: 4 },
    },
  ],
});

export const scenarios: Scenario[] = [noTokenAcrossOrigins, redirectLimit];
