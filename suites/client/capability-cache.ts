import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

const CONNECT = connectStep('conformance capability cache');

/**
 * A listing fetched for one identity says nothing about what another may see (§5.2: grant status and
 * non-public capabilities depend on the caller), so a cache keyed by URL alone must not answer for
 * the agent what it was told as the host or anonymously (§10.6).
 */
const keyedByIdentity = defineScenario({
  id: 'client.capabilities.cache-keyed-by-identity',
  title: 'A capability listing cached for one identity is not served for another',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-10.6-04'],
  tools: ['connect_agent', 'list_capabilities'],
  knobs: AUTO,
  steps: [
    CONNECT,
    { call: 'list_capabilities', as: 'plain', args: { provider: '${provider}' } },
    { call: 'list_capabilities', as: 'asAgent', args: { provider: '${provider}', agent_id: '${agent}' } },
  ],
  expect: [
    {
      because: 'a listing before the agent asks (§6.3)',
      precondition: true,
      requests: { endpoint: 'list' },
      count: { min: 1 },
    },
    {
      because: "the agent's own listing fetched with its JWT, not served from another identity's cache (§10.6)",
      requests: { endpoint: 'list', auth: 'agent', after: 'asAgent' },
      count: { min: 1 },
    },
  ],
});

/**
 * Execution refused with invalid_request says the client's idea of the capability is out of date:
 * its cached description is dropped and fetched again, so the next description the agent gets
 * comes from the server (§10.6).
 */
const refetchAfterRefusal = defineScenario({
  id: 'client.capabilities.refetch-after-invalid-request',
  title: 'After execution answers invalid_request, the capability description is fetched again',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-10.6-05'],
  tools: ['connect_agent', 'describe_capability', 'execute_capability'],
  knobs: {
    ...AUTO,
    answers: [
      {
        endpoint: 'execute',
        nth: 1,
        status: 400,
        body: { error: 'invalid_request', message: 'conformance: the arguments no longer fit the schema' },
      },
    ],
  },
  steps: [
    CONNECT,
    {
      call: 'describe_capability',
      as: 'before',
      args: { provider: '${provider}', name: '${cap.sync}', agent_id: '${agent}' },
    },
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
    {
      call: 'describe_capability',
      as: 'after',
      args: { provider: '${provider}', name: '${cap.sync}', agent_id: '${agent}' },
    },
  ],
  expect: [
    { because: 'the refused execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the description fetched again after invalid_request (§10.6)',
      requests: { endpoint: 'describe', after: 'x' },
      count: { min: 1 },
    },
  ],
});

export const scenarios: Scenario[] = [keyedByIdentity, refetchAfterRefusal];
