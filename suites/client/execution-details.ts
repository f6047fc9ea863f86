import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * What execute_capability puts into the execute request (§6.10), and how it deals with what the
 * server says about a capability's schema and constraints (§2.13, §5.2.1).
 */

/** An account id the simulator's check_balance capability accepts. */
const ACCOUNT = { account_id: 'acc_123' };

const requestFields = defineScenario({
  id: 'client.execution.request-fields',
  title:
    'execute_capability signs as the given agent, restricts the token to the one capability and sends the arguments as given',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-6.10-FIELD.agent_id', 'AAP-6.10-FIELD.arguments', 'AAP-6.10-STEP1'],
  rulings: ['RUL-EXEC-AUD'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: AUTO,
  steps: [
    connectStep('conformance execute fields', ['${cap.withInput}', '${cap.sync}']),
    {
      call: 'execute_capability',
      as: 'x',
      args: { agent_id: '${agent}', capability: '${cap.withInput}', arguments: ACCOUNT },
    },
  ],
  // A client that drops or rewrites the arguments, signs for another agent, or hands out a token
  // good for every granted capability fails here.
  expect: [
    { because: 'an execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the agent named (§6.10)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.sub',
      is: { eq: '${agent}' },
    },
    {
      because: 'the arguments passed on (§6.10)',
      requests: { endpoint: 'execute' },
      every: 'body.arguments',
      is: { eq: ACCOUNT },
    },
    {
      because: 'a token scoped to this capability (§6.10 step 1)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.capabilities',
      is: { eq: ['${cap.withInput}'] },
    },
    {
      because: 'the token addressed to the location executing (§6.10 step 1, RUL-EXEC-AUD)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    },
  ],
});

/**
 * The server grants the constrainable capability under an operator no version of the spec defines.
 * The client cannot evaluate it, so it leaves the verdict to the server: the execution is sent (the
 * simulator then refuses it with unknown_constraint_operator). A client that evaluates the constraint
 * itself and refuses, or drops the capability, sends no execution and fails.
 */
const unknownOperator = defineScenario({
  id: 'client.execution.unknown-operator-left-to-server',
  title: 'A grant constrained by an unknown operator is not judged by the client: the execution reaches the server',
  area: 'execution',
  level: 'SHOULD',
  requirements: ['AAP-2.13-12'],
  tools: ['connect_agent', 'execute_capability'],
  // Nothing was proposed, so the grant's constraint narrows the request and cannot count as wider.
  knobs: { ...AUTO, grants: { widen: { transfer_money: { amount: { x_conformance_within: 'budget-7' } } } } },
  steps: [
    connectStep('conformance unknown operator', ['${cap.constrainable}']),
    {
      call: 'execute_capability',
      as: 'x',
      args: {
        agent_id: '${agent}',
        capability: '${cap.constrainable}',
        arguments: { amount: 25, currency: 'USD', destination_account: 'acc_456' },
      },
    },
  ],
  expect: [
    {
      because: 'a grant carrying the unknown operator',
      precondition: true,
      requests: { endpoint: 'register' },
      every: 'response.body.agent_capability_grants.0.constraints.amount.x_conformance_within',
      is: { eq: 'budget-7' },
    },
    {
      because: 'the execution left to the server to judge (§2.13)',
      requests: { endpoint: 'execute' },
      count: { min: 1 },
    },
  ],
});

/** The simulator's plain capability described without `input`, as a capability taking no arguments may be. */
const WITHOUT_INPUT = [
  {
    endpoint: 'describe' as const,
    status: 200,
    headers: { 'cache-control': 'private, max-age=300' },
    body: { name: 'list_accounts', description: 'List all bank accounts of the linked user' },
  },
];

/**
 * A client that needs the input schema (to validate or shape arguments) finds none and treats it as
 * an empty one: the capability executes without arguments. One that refuses a capability without a
 * schema, or fails reading it, sends no execution and fails.
 */
const missingInput = defineScenario({
  id: 'client.execution.missing-input-is-empty-schema',
  title: 'A capability described without input executes as one taking no arguments',
  area: 'execution',
  level: 'MUST',
  requirements: ['AAP-5.2.1-05'],
  tools: ['connect_agent', 'describe_capability', 'execute_capability'],
  knobs: { ...AUTO, answers: WITHOUT_INPUT },
  steps: [
    connectStep('conformance no input'),
    {
      call: 'describe_capability',
      as: 'd',
      args: { provider: '${provider}', name: '${cap.sync}', agent_id: '${agent}' },
    },
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}' } },
  ],
  expect: [
    {
      because: 'the description without input',
      precondition: true,
      requests: { endpoint: 'describe' },
      count: { min: 1 },
    },
    {
      because: 'the execution (§5.2.1: no input is an empty schema)',
      requests: { endpoint: 'execute' },
      count: { min: 1 },
    },
    { because: 'execute_capability without arguments (§5.2.1)', call: 'x', ok: true },
  ],
});

/** A field the second description adds: only a client that fetched it again can show it. */
const NEW_FIELD = 'conformance_statement_month';

/**
 * The agent described the capability, then its execution is refused as not fitting the schema. The
 * description the server gives from then on has a new field: the client fetches it again on its own
 * and shows the agent the new schema with the error.
 */
const schemaRefreshed = defineScenario({
  id: 'client.execution.schema-refreshed-after-invalid-request',
  title:
    'After an execution refused with invalid_request, the description is fetched again and its schema shown to the agent',
  area: 'execution',
  level: 'SHOULD',
  requirements: ['AAP-5.2.1-08', 'AAP-5.2.1-09'],
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
      {
        endpoint: 'describe',
        nth: 2,
        status: 200,
        headers: { 'cache-control': 'private, max-age=300' },
        body: {
          name: 'list_accounts',
          description: 'List all bank accounts of the linked user',
          input: {
            type: 'object',
            required: [NEW_FIELD],
            properties: { [NEW_FIELD]: { type: 'string', description: 'Month of the statement, YYYY-MM' } },
          },
          grant_status: 'granted',
        },
      },
    ],
  },
  steps: [
    connectStep('conformance schema change'),
    {
      call: 'describe_capability',
      as: 'd',
      args: { provider: '${provider}', name: '${cap.sync}', agent_id: '${agent}' },
    },
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  ],
  // keeps-stale-capabilities: no fetch after the refusal, and the error shows no new schema.
  expect: [
    {
      because: 'one description before the execution, so the next one is the changed schema',
      precondition: true,
      requests: { endpoint: 'describe', before: 'x' },
      count: { min: 1, max: 1 },
    },
    { because: 'the refused execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the description fetched again after the schema error (§5.2.1)',
      requests: { endpoint: 'describe', after: 'x' },
      count: { min: 1 },
    },
    { because: 'the changed schema shown to the agent (§5.2.1)', call: 'x', mentions: NEW_FIELD },
  ],
});

/** Markers of the first and last events of the stream, which the agent can see before the result. */
const FIRST_CHUNK = 'conformance-chunk-first';
const LAST_CHUNK = 'conformance-chunk-last';

/**
 * A streamed execution: over a transport that carries output while a call runs (MCP progress and
 * logging notifications), the client passes the events on as they come. A client that buffers the stream and
 * hands it over only in the result shows nothing before the result, and fails.
 */
const streamPassedOn = defineScenario({
  id: 'client.execution.stream-passed-to-agent',
  title: 'A streamed execution reaches the agent as a stream: events surface while the call still runs',
  area: 'execution',
  level: 'SHOULD',
  requirements: ['AAP-2.15-02', 'AAP-5.11-15'],
  tools: ['connect_agent', 'execute_capability'],
  interimOutput: true,
  knobs: {
    ...AUTO,
    execution: {
      sse: {
        events: [
          { event: 'data', data: `{"n":1,"marker":"${FIRST_CHUNK}"}` },
          { event: 'data', data: `{"n":2,"marker":"${LAST_CHUNK}"}` },
        ],
        done: true,
      },
    },
  },
  steps: [
    connectStep('conformance stream pass-through', ['${cap.stream}']),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capability: '${cap.stream}', arguments: {} },
    },
  ],
  expect: [
    { because: 'a streamed execution', precondition: true, requests: { endpoint: 'execute' }, count: { min: 1 } },
    {
      because: 'the first event, surfaced before the result (§2.15, §5.11)',
      call: 'x',
      mentions: FIRST_CHUNK,
      where: 'interim',
    },
    {
      because: 'the last event, surfaced before the result (§2.15, §5.11)',
      call: 'x',
      mentions: LAST_CHUNK,
      where: 'interim',
    },
  ],
});

/** An async job polled twice pending, then done: every poll's token must be short-lived. */
const pollTokensShortLived = defineScenario({
  id: 'client.execution.poll-tokens-short-lived',
  title: 'The agent JWTs that poll an async execution’s status_url live at most 60 seconds',
  area: 'execution',
  level: 'SHOULD',
  requirements: ['AAP-5.11-09'],
  tools: ['connect_agent', 'execute_capability'],
  knobs: { ...AUTO, execution: { async: { pendingPolls: 2, statusUrl: 'same-origin' } } },
  steps: [
    connectStep('conformance poll tokens', ['${cap.async}']),
    {
      call: 'execute_capability',
      as: 'x',
      timeoutMs: 20_000,
      args: { agent_id: '${agent}', capability: '${cap.async}', arguments: {} },
    },
  ],
  // agent-jwt-long-lifetime: hour-long tokens on every poll.
  expect: [
    { because: 'status_url polls', precondition: true, requests: { endpoint: 'status-url' }, count: { min: 1 } },
    {
      because: 'poll token lifetime, exp − iat (§5.11)',
      requests: { endpoint: 'status-url' },
      every: 'jwt.lifetime',
      is: { lte: 60 },
    },
  ],
});

export const scenarios: Scenario[] = [
  requestFields,
  unknownOperator,
  missingInput,
  schemaRefreshed,
  streamPassedOn,
  pollTokensShortLived,
];
