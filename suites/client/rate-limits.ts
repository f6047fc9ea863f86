import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { connectStep } from './common.ts';

const CONNECT = connectStep('conformance rate limit');
const EXECUTE: Step = {
  call: 'execute_capability',
  as: 'x',
  timeoutMs: 15_000,
  args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} },
};

const retryAfter = defineScenario({
  id: 'client.rate-limits.retry-after-respected',
  title: 'After a 429 with Retry-After, the client waits at least that long before sending the request again',
  area: 'rate-limits',
  level: 'MUST',
  requirements: ['AAP-8.13-09'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: {
    approval: { policy: 'auto' },
    answers: [
      {
        endpoint: 'execute',
        nth: 1,
        status: 429,
        headers: { 'retry-after': '2' },
        body: { error: 'rate_limited', message: 'conformance: slow down' },
      },
    ],
  },
  steps: [CONNECT, EXECUTE, { wait: 2500 }],
  expect: [{ because: 'the retry after Retry-After: 2 (§8.13)', requests: { endpoint: 'execute' }, spacingMs: 2000 }],
});

const retryAfterHost = defineScenario({
  id: 'client.rate-limits.retry-after-on-host-request',
  title: 'A host-signed request answered 429 with Retry-After is not sent again before that many seconds',
  area: 'rate-limits',
  level: 'MUST',
  requirements: ['AAP-8.13-09'],
  tools: ['connect_agent', 'agent_status'],
  knobs: {
    approval: { policy: 'auto' },
    answers: [
      {
        endpoint: 'status',
        nth: 1,
        status: 429,
        headers: { 'retry-after': '2' },
        body: { error: 'rate_limited', message: 'conformance: slow down' },
      },
    ],
  },
  steps: [
    CONNECT,
    { call: 'agent_status', as: 's', timeoutMs: 15_000, args: { agent_id: '${agent}' } },
    { wait: 2500 },
  ],
  expect: [{ because: 'the retry after Retry-After: 2 (§8.13)', requests: { endpoint: 'status' }, spacingMs: 2000 }],
});

const backoff = defineScenario({
  id: 'client.rate-limits.backoff-without-retry-after',
  title: 'After a 429 without Retry-After, the client waits at least one second before each retry',
  area: 'rate-limits',
  level: 'SHOULD',
  requirements: ['AAP-8.13-10'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: {
    approval: { policy: 'auto' },
    // Two 429 answers in a row, neither with Retry-After (the §5.13 default body).
    answers: [
      { endpoint: 'execute', nth: 1, status: 429 },
      { endpoint: 'execute', nth: 2, status: 429 },
    ],
  },
  steps: [CONNECT, EXECUTE, { wait: 2500 }],
  expect: [
    {
      because: 'retries without Retry-After, backing off from one second (§8.13)',
      requests: { endpoint: 'execute' },
      spacingMs: 1000,
    },
  ],
});

export const scenarios: Scenario[] = [retryAfter, retryAfterHost, backoff];
