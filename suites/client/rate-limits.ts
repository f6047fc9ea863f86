import { defineScenario, type ClientScenarioKnobs, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { connectStep } from './common.ts';

const CONNECT = connectStep('conformance rate limit');
const EXECUTE: Step = {
  call: 'execute_capability',
  as: 'x',
  timeoutMs: 15_000,
  args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} },
};

/** Every approval at once, and the first execution answered 429 with Retry-After: 2 and `body`. */
function firstExecutionThrottled(body: { error: string; message: string }): ClientScenarioKnobs {
  return {
    approval: { policy: 'auto' },
    answers: [{ endpoint: 'execute', nth: 1, status: 429, headers: { 'retry-after': '2' }, body }],
  };
}

const retryAfter = defineScenario({
  id: 'client.rate-limits.retry-after-respected',
  title: 'After a 429 with Retry-After, the client waits at least that long before sending the request again',
  area: 'rate-limits',
  level: 'MUST',
  requirements: ['AAP-8.13-09'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: firstExecutionThrottled({ error: 'rate_limited', message: 'conformance: slow down' }),
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

/**
 * A 429 whose error code the client cannot know (servers may add codes, §5.13): falling back on the
 * status means treating it as rate limiting, so a retry waits for Retry-After like any 429 (§8.13).
 * A client that acts only on codes it knows and retries an unknown one at once fails.
 */
const unknownCode = defineScenario({
  id: 'client.rate-limits.unknown-error-code-read-by-status',
  title: 'A 429 with an error code the client does not know is still treated as a 429: Retry-After holds',
  area: 'rate-limits',
  level: 'SHOULD',
  requirements: ['AAP-5.13-09'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: firstExecutionThrottled({ error: 'x_conformance_quota_exhausted', message: 'conformance: try again shortly' }),
  steps: [CONNECT, EXECUTE, { wait: 2500 }],
  expect: [
    { because: 'the answered execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'a retry after 429 with Retry-After: 2 and an unknown code (§5.13)',
      requests: { endpoint: 'execute' },
      spacingMs: 2000,
    },
  ],
});

export const scenarios: Scenario[] = [retryAfter, retryAfterHost, backoff, unknownCode];
