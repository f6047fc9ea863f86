import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';
import { AUTO_APPROVAL, SERVER_API_ENDPOINTS } from './common.ts';

/** An issuer with a path: endpoints resolved against its origin alone miss it. */
const ISSUER_PATH = '/tenant-a';

/**
 * The simulator serves nothing outside the issuer's path but discovery, so a client that resolves
 * endpoint paths against the origin gets 404s; the requests it sent there still count as the
 * endpoint they aimed at, so the count below fails a client that resolved wrongly, not one that
 * never tried.
 */
const issuerPathKept = defineScenario({
  id: 'client.discovery.endpoints-under-issuer-path',
  title: 'With an issuer that has a path, every endpoint is called under that path',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-5-01'],
  tools: ['connect_agent', 'list_capabilities'],
  knobs: { ...AUTO_APPROVAL, issuerPath: ISSUER_PATH },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance issuer path', capabilities: ['${cap.sync}'] },
    },
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } },
  ],
  expect: [
    {
      because: 'Server API requests (connect_agent registers)',
      requests: { endpoint: SERVER_API_ENDPOINTS, listener: 'sim' },
      count: { min: 1 },
    },
    {
      because: 'endpoint URLs: the issuer, path included, joined with the endpoint path (§5)',
      requests: { endpoint: SERVER_API_ENDPOINTS, listener: 'sim' },
      every: 'path',
      is: { matches: `^${ISSUER_PATH}/` },
    },
  ],
});

export const scenarios: Scenario[] = [issuerPathKept];
