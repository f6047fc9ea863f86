import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * How host JWTs deliver the host's and the agent's public keys (§4.2, §5.3, §8.7): inline JWKs or
 * JWKS URLs, the client's choice. Rules that hold only for JWKS delivery select the requests that use
 * it (`has`), so an inline-key client meets none of them and passes those assertions vacuously; a
 * JWKS client is judged on every such request.
 */

const registrationCarriesAgentKey = defineScenario({
  id: 'client.jwt.registration-agent-key',
  title: 'The registration host JWT delivers the new agent’s public key, inline or by JWKS URL',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-5.3-02'],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [connectStep('conformance agent key')],
  // A registration whose host JWT carries neither agent_public_key nor agent_jwks_url fails.
  expect: [
    { because: 'a registration', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'agent_public_key or agent_jwks_url in the registration host JWT (§5.3)',
      requests: { endpoint: 'register' },
      every: 'jwt.agent_key_delivery',
      is: { present: true },
    },
  ],
});

/** Two agents and a status query: registrations and other host JWTs, each with its key claims. */
const jwksKeyIds = defineScenario({
  id: 'client.jwt.jwks-key-ids',
  title: 'Keys delivered by JWKS URL are named by kid, and host and agent keys come from different JWKS URLs',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-4.2-02', 'AAP-4.2-07', 'AAP-4.2-14'],
  tools: ['connect_agent', 'agent_status'],
  knobs: AUTO,
  steps: [connectStep('conformance jwks'), { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } }],
  // A JWKS client that leaves out kid or agent_kid, or serves both key sets at one URL, fails.
  expect: [
    { because: 'host-authenticated requests', precondition: true, requests: { auth: 'host' }, count: { min: 1 } },
    {
      because: 'kid of a host JWT whose host key is behind host_jwks_url (§4.2)',
      requests: { auth: 'host', has: 'jwt.claims.host_jwks_url' },
      every: 'jwt.header.kid',
      is: { matches: '\\S' },
    },
    {
      because: 'agent_kid beside agent_jwks_url (§4.2)',
      requests: { auth: 'host', has: 'jwt.claims.agent_jwks_url' },
      every: 'jwt.claims.agent_kid',
      is: { matches: '\\S' },
    },
    {
      because: 'the agents’ JWKS URL differs from the host’s (§4.2)',
      requests: { auth: 'host', has: ['jwt.claims.host_jwks_url', 'jwt.claims.agent_jwks_url'] },
      every: 'jwt.claims.agent_jwks_url',
      is: { notSamePathAs: 'jwt.claims.host_jwks_url' },
    },
  ],
});

/**
 * Many host JWTs of one host (same iss, the key's thumbprint): registrations of two agents, a
 * listing, status queries. A host that sends its key inline on one and by JWKS URL on another fails.
 */
const deliveryStable = defineScenario({
  id: 'client.jwt.host-key-delivery-stable',
  title: 'A host delivers its key the same way on every host JWT: always inline or always by JWKS URL',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-8.7-05'],
  tools: ['connect_agent', 'list_capabilities', 'agent_status'],
  knobs: AUTO,
  steps: [
    connectStep('conformance key delivery'),
    { call: 'agent_status', as: 's1', args: { agent_id: '${agent}' } },
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } },
    {
      call: 'connect_agent',
      as: 'c2',
      args: { provider: '${provider}', name: 'conformance key delivery 2', capabilities: ['${cap.sync}'] },
    },
    { call: 'agent_status', as: 's2', args: { agent_id: '${agent}' } },
  ],
  expect: [
    { because: 'several host JWTs', precondition: true, requests: { auth: 'host' }, count: { min: 3 } },
    {
      because: 'one key delivery per host (§8.7)',
      requests: { auth: 'host' },
      same: 'jwt.host_key_delivery',
      per: 'jwt.claims.iss',
    },
  ],
});

export const scenarios: Scenario[] = [registrationCarriesAgentKey, jwksKeyIds, deliveryStable];
