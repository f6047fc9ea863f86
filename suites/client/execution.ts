import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

function connectFor(capability: string): Step {
  return connectStep('conformance execution', [capability]);
}

const sync = defineScenario({
  id: 'client.execution.sync',
  title: 'execute_capability posts the capability and arguments with an agent JWT and returns the data',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-6.10-STEP2', 'AAP-6.10-STEP3', 'AAP-6.10-FIELD.capability', 'AAP-5.11-29'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: AUTO,
  steps: [
    connectFor('${cap.sync}'),
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  ],
  expect: [
    { because: 'execute requests', requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'execute authenticates as the agent (§6.10)',
      requests: { endpoint: 'execute' },
      every: 'jwt.header.typ',
      is: { eq: 'agent+jwt' },
    },
    {
      because: 'execute body capability (§5.11)',
      requests: { endpoint: 'execute' },
      every: 'body.capability',
      is: { eq: '${cap.sync}' },
    },
    { because: 'execute_capability result (§6.10 step 3)', call: 'x', ok: true },
  ],
});

const audience = defineScenario({
  id: 'client.execution.audience-is-location',
  title: 'The execution agent JWT has the resolved location as its audience',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-4.3-04', 'AAP-6.10-01'],
  rulings: ['RUL-EXEC-AUD'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: AUTO,
  steps: [
    connectFor('${cap.sync}'),
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  ],
  expect: [
    { because: 'execute requests', requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'execution audience (§4.3, RUL-EXEC-AUD)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    },
  ],
});

/**
 * A capability that names its own `location` (§2.12) is executed there, with that location as the
 * agent JWT audience; the simulator serves it on a listener of its own, so the record shows where the
 * client went.
 */
const atOwnLocation = defineScenario({
  id: 'client.execution.at-capability-location',
  title: "A capability with its own location is executed there, the token's audience that location",
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-4.3-04', 'AAP-6.10-01'],
  rulings: ['RUL-EXEC-AUD', 'RUL-EXEC-TARGET'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { ...AUTO, locatedCapability: true },
  steps: [
    connectFor('${cap.located}'),
    {
      call: 'execute_capability',
      as: 'x',
      args: { agent_id: '${agent}', capability: '${cap.located}', arguments: { city: 'Lisbon' } },
    },
  ],
  expect: [
    {
      because: "execution at the capability's own location (§2.12, §6.10)",
      requests: { endpoint: 'location-execute' },
      count: { min: 1 },
    },
    {
      because: "no execution of it at the server's default location (§6.10)",
      requests: { endpoint: 'execute', listener: 'sim' },
      count: { max: 0 },
    },
    {
      because: 'execution audience (§4.3, RUL-EXEC-AUD)',
      requests: { endpoint: 'location-execute' },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    },
  ],
});

const asyncPolled = defineScenario({
  id: 'client.execution.async-polled',
  title: 'An async execution is polled at its status_url, each poll with a fresh agent JWT, until it completes',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-6.10-STEP4', 'AAP-5.11-05', 'AAP-5.11-10', 'AAP-5.11-13'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { ...AUTO, execution: { async: { pendingPolls: 2, statusUrl: 'same-origin' } } },
  steps: [
    connectFor('${cap.async}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 20_000,
      args: { agent_id: '${agent}', capability: '${cap.async}', arguments: {} },
    },
  ],
  expect: [
    {
      because: 'status_url polls until completion (§6.10 step 4)',
      requests: { endpoint: 'status-url' },
      count: { min: 3 },
    },
    {
      because: 'status_url polls carry an agent JWT (§5.11)',
      requests: { endpoint: 'status-url' },
      every: 'jwt.header.typ',
      is: { eq: 'agent+jwt' },
    },
    { because: 'a fresh agent JWT per poll (§5.11)', requests: { endpoint: 'status-url' }, distinct: 'jwt.claims.jti' },
    { because: 'execute_capability returns the completed result (§6.10)', call: 'x', ok: true },
  ],
});

const asyncCrossOrigin = defineScenario({
  id: 'client.security.cross-origin-status-url-refused',
  title: 'A status_url on another origin is not followed (no request, no token reaches it)',
  area: 'security',
  level: 'MUST',
  requirements: ['AAP-8.12-20', 'AAP-8.12-22'],
  rulings: ['RUL-LOCATION-STATUS-ORIGIN'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { ...AUTO, execution: { async: { pendingPolls: 1, statusUrl: 'foreign' } } },
  steps: [
    connectFor('${cap.async}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.async}', arguments: {} },
    },
    { wait: 1500 },
  ],
  expect: [{ because: 'requests to the foreign origin (§8.12)', requests: { listener: 'foreign' }, count: { max: 0 } }],
});

const streamed = defineScenario({
  id: 'client.execution.stream-consumed',
  title: 'A streamed execution is read to its done event, untyped events counting as data',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-5.11-17', 'AAP-5.11-18', 'AAP-6.10-STEP3'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: {
    ...AUTO,
    execution: {
      sse: {
        events: [
          { event: 'data', data: '{"n":1,"marker":"typed-event-one"}' },
          { data: '{"n":2,"marker":"untyped-event-two"}' },
          { event: 'data', data: '{"n":3,"marker":"typed-event-three"}' },
        ],
        done: true,
      },
    },
  },
  steps: [
    connectFor('${cap.stream}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.stream}', arguments: {} },
    },
  ],
  expect: [
    { because: 'execute_capability on a stream (§6.10)', call: 'x', ok: true },
    { because: 'an untyped event is data (§5.11)', call: 'x', mentions: 'untyped-event-two' },
    { because: 'the stream is read to the end (§5.11)', call: 'x', mentions: 'typed-event-three' },
  ],
});

const asyncOtherHost = defineScenario({
  id: 'client.execution.status-url-other-host-refused',
  title: 'A status_url naming another host than the issuer is not followed (no request, no token reaches it)',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-8.12-20', 'AAP-8.12-22'],
  rulings: ['RUL-LOCATION-STATUS-ORIGIN'],
  tools: ['connect_agent', 'execute_capability'],
  // The status_url names the loopback interface by another host name (and the foreign listener's port).
  knobs: { ...AUTO, execution: { async: { pendingPolls: 1, statusUrl: 'http-foreign' } } },
  steps: [
    connectFor('${cap.async}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.async}', arguments: {} },
    },
    { wait: 1500 },
  ],
  expect: [{ because: 'requests to the other host (§8.12)', requests: { listener: 'foreign' }, count: { max: 0 } }],
});

const asyncBackoff = defineScenario({
  id: 'client.execution.async-poll-backoff',
  title: 'status_url polls are spaced at least one second apart (exponential back-off from 1 s)',
  area: 'execution',
  level: 'SHOULD',
  requirements: ['AAP-5.11-11'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { ...AUTO, execution: { async: { pendingPolls: 2, statusUrl: 'same-origin' } } },
  steps: [
    connectFor('${cap.async}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 20_000,
      args: { agent_id: '${agent}', capability: '${cap.async}', arguments: {} },
    },
  ],
  expect: [
    { because: 'status_url polls', requests: { endpoint: 'status-url' }, count: { min: 2 } },
    { because: 'back-off between status_url polls (§5.11)', requests: { endpoint: 'status-url' }, spacingMs: 1000 },
  ],
});

/**
 * After `done` the simulator keeps the connection open for a while: a client that has its result
 * closes the stream itself instead of waiting for the server (§5.11).
 */
const streamClosedAfterDone = defineScenario({
  id: 'client.execution.stream-closed-after-done',
  title: 'The client closes an event stream once it has the done event',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-5.11-17'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: {
    ...AUTO,
    execution: { sse: { events: [{ event: 'data', data: '{"n":1}' }], done: true, holdOpenMs: 3000 } },
  },
  steps: [
    connectFor('${cap.stream}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.stream}', arguments: {} },
    },
    // The close reaches the simulator a moment after the client has acted on done.
    { wait: 500 },
  ],
  expect: [
    { because: 'a streamed execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the stream closed by the client after done (§5.11)',
      requests: { endpoint: 'execute' },
      every: 'response.stream_end',
      is: { eq: 'client-closed' },
    },
  ],
});

const streamWithoutDone = defineScenario({
  id: 'client.execution.stream-without-done-incomplete',
  title: 'A stream that ends without a done event is not returned as a complete result',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-5.11-20'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: {
    ...AUTO,
    execution: { sse: { events: [{ event: 'data', data: '{"n":1}' }], done: false } },
  },
  steps: [
    connectFor('${cap.stream}'),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.stream}', arguments: {} },
    },
  ],
  expect: [
    { because: 'the stream was requested', requests: { endpoint: 'execute' }, count: { min: 1 } },
    { because: 'execute_capability on a stream closed before done (§5.11)', call: 'x', ok: false },
  ],
});

export const scenarios: Scenario[] = [
  streamClosedAfterDone,
  atOwnLocation,
  sync,
  audience,
  asyncPolled,
  asyncCrossOrigin,
  asyncOtherHost,
  asyncBackoff,
  streamed,
  streamWithoutDone,
];
