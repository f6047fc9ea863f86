import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

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
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance rate limit', capabilities: ['${cap.sync}'] },
    },
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} },
    },
    { wait: 2500 },
  ],
  expect: [{ because: 'the retry after Retry-After: 2 (§8.13)', requests: { endpoint: 'execute' }, spacingMs: 2000 }],
});

export const scenarios: Scenario[] = [retryAfter];
