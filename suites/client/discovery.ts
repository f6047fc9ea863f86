import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';
import { SERVER_API_ENDPOINTS } from './common.ts';

const fetchBeforeUse = defineScenario({
  id: 'client.discovery.fetch-before-use',
  title: 'connect_agent reads the discovery document before any other request',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-6.4-STEP1', 'AAP-5.1.1-02'],
  tools: ['connect_agent'],
  knobs: { approval: { policy: 'auto' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance discovery', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    { because: 'the first request (§6.4 step 1)', firstRequest: { endpoint: 'discovery' } },
    { because: 'registration (§6.4 step 4)', requests: { endpoint: 'register' }, count: { min: 1 } },
  ],
});

const unsupportedMajor = defineScenario({
  id: 'client.discovery.unsupported-major-version',
  title: 'A discovery document of major version 2 stops the client, which tells the agent',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-5.1.1-02', 'AAP-5.1.1-03', 'AAP-5.1.1-04'],
  tools: ['connect_agent'],
  knobs: { discovery: { version: '2.0-draft' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance version', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'requests after an unsupported major version (§5.1.1)',
      requests: { endpoint: SERVER_API_ENDPOINTS },
      count: { max: 0 },
    },
    { because: 'connect_agent against an incompatible server (§5.1.1)', call: 'c', ok: false },
  ],
});

const defaultLocationDerived = defineScenario({
  id: 'client.discovery.default-location-derived',
  title: 'Without default_location, execution goes to issuer + endpoints.execute with that URL as audience',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-5.1-06', 'AAP-5.1-05', 'AAP-4.3-04'],
  rulings: ['RUL-EXEC-AUD', 'RUL-EXEC-TARGET'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { discovery: { defaultLocation: 'absent' }, approval: { policy: 'auto' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance location', capabilities: ['${cap.sync}'] },
    },
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  ],
  expect: [
    { because: 'execution at the derived location (§5.1)', requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the execution audience (§4.3, RUL-EXEC-AUD)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    },
    { because: 'execute_capability', call: 'x', ok: true },
  ],
});

/**
 * Discovery answered with a one-second max-age: once it is stale, the client's next request to the
 * server is preceded by a fresh fetch of the document (HTTP caching, §5.1, §10.5).
 */
const discoveryCacheExpires = defineScenario({
  id: 'client.discovery.cache-control-obeyed',
  title: 'A discovery document past its Cache-Control max-age is fetched again before it is used',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-5.1-12', 'AAP-10.5-04'],
  tools: ['connect_agent', 'list_capabilities'],
  knobs: { approval: { policy: 'auto' }, discovery: { cacheControl: 'max-age=1' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance discovery cache', capabilities: ['${cap.sync}'] },
    },
    // Past the one-second max-age (a lower bound: any later moment is just as stale).
    { wait: 2000 },
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}', agent_id: '${agent}' } },
  ],
  expect: [
    {
      because: 'a request to the server after the document went stale',
      precondition: true,
      requests: { endpoint: ['list', 'describe', 'status'], after: 'l' },
      count: { min: 1 },
    },
    {
      because: 'discovery fetched again once stale (Cache-Control, §5.1, §10.5)',
      requests: { endpoint: 'discovery', after: 'l' },
      count: { min: 1 },
    },
  ],
});

export const scenarios: Scenario[] = [fetchBeforeUse, unsupportedMajor, defaultLocationDerived, discoveryCacheExpires];
