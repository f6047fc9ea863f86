import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

const CONNECT = connectStep('conformance lifecycle');

const status = defineScenario({
  id: 'client.lifecycle.status-with-host-jwt',
  title: 'agent_status queries the status endpoint with a host JWT naming the agent, and reports the status',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.9-STEP1', 'AAP-6.9-STEP2', 'AAP-6.9-STEP3', 'AAP-6.9-FIELD.agent_id'],
  tools: ['connect_agent', 'agent_status'],
  knobs: AUTO,
  // No `require: 'ok'`: a client that signs the status request wrongly is answered an error, and that
  // is a verdict on the request it sent, not a broken precondition.
  steps: [CONNECT, { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } }],
  expect: [
    { because: 'status requests', requests: { endpoint: 'status', after: 's' }, count: { min: 1 } },
    {
      because: 'status authenticates as the host (§6.9 step 2)',
      requests: { endpoint: 'status', after: 's' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'the host that registered the agent (§6.9 step 1)',
      requests: { endpoint: 'status', after: 's' },
      every: 'jwt.claims.iss',
      is: { eq: '${host.iss}' },
    },
    {
      because: 'status names the agent (§6.9)',
      requests: { endpoint: 'status', after: 's' },
      every: 'query.agent_id',
      is: { eq: '${agent}' },
    },
    { because: 'agent_status reports the status (§6.9 step 3)', call: 's', mentions: 'active', where: 'result' },
  ],
});

const disconnect = defineScenario({
  id: 'client.lifecycle.disconnect-revokes',
  title: 'disconnect_agent revokes the agent with a host JWT and confirms it',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.7-STEP1', 'AAP-6.7-STEP2', 'AAP-6.7-STEP4', 'AAP-6.7-FIELD.agent_id'],
  tools: ['connect_agent', 'disconnect_agent'],
  knobs: AUTO,
  steps: [CONNECT, { call: 'disconnect_agent', as: 'd', args: { agent_id: '${agent}' } }],
  expect: [
    { because: 'revoke requests (§6.7 step 2)', requests: { endpoint: 'revoke' }, count: { min: 1 } },
    {
      because: 'revoke authenticates as the host (§6.7 step 2)',
      requests: { endpoint: 'revoke' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'revoke names the agent (§6.7)',
      requests: { endpoint: 'revoke' },
      every: 'body.agent_id',
      is: { eq: '${agent}' },
    },
    { because: 'disconnect_agent confirms (§6.7 step 4)', call: 'd', ok: true },
  ],
});

const failedRevoke = defineScenario({
  id: 'client.lifecycle.failed-revoke-not-success',
  title: 'A revoke the server refuses is not reported to the agent as a disconnection',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.7-01'],
  tools: ['connect_agent', 'disconnect_agent'],
  knobs: {
    ...AUTO,
    answers: [
      { endpoint: 'revoke', status: 500, body: { error: 'internal_error', message: 'conformance: revoke refused' } },
    ],
  },
  steps: [CONNECT, { call: 'disconnect_agent', as: 'd', args: { agent_id: '${agent}' } }],
  expect: [
    { because: 'a revoke was attempted', requests: { endpoint: 'revoke' }, count: { min: 1 } },
    { because: 'disconnect_agent after a refused revoke (§6.7)', call: 'd', ok: false },
  ],
});

const reactivate = defineScenario({
  id: 'client.lifecycle.reactivate-with-host-jwt',
  title: 'reactivate_agent sends the reactivation of an expired agent with a host JWT naming the agent',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.8-STEP1', 'AAP-6.8-STEP2', 'AAP-6.8-FIELD.agent_id'],
  tools: ['connect_agent', 'reactivate_agent'],
  knobs: AUTO,
  steps: [
    CONNECT,
    // The operator lets the agent's session lapse: the agent is expired, the case §6.8 is for.
    { act: { op: 'expire-agent' } },
    { call: 'reactivate_agent', as: 'r', args: { agent_id: '${agent}' } },
  ],
  expect: [
    {
      because: 'reactivation requests (§6.8 step 2)',
      requests: { endpoint: 'reactivate', after: 'r' },
      count: { min: 1 },
    },
    {
      because: 'reactivation authenticates as the host (§6.8 step 2)',
      requests: { endpoint: 'reactivate', after: 'r' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'the host that registered the agent (§6.8 step 1)',
      requests: { endpoint: 'reactivate', after: 'r' },
      every: 'jwt.claims.iss',
      is: { eq: '${host.iss}' },
    },
    {
      because: 'reactivation names the agent (§6.8)',
      requests: { endpoint: 'reactivate', after: 'r' },
      every: 'body.agent_id',
      is: { eq: '${agent}' },
    },
  ],
});

const reactivated = defineScenario({
  id: 'client.lifecycle.reactivate-result',
  title: 'reactivate_agent returns the reactivated agent, its status and its active grants in full',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.8-STEP3', 'AAP-6.8-SHAPE.reactivate_agent'],
  tools: ['connect_agent', 'reactivate_agent'],
  knobs: AUTO,
  steps: [
    CONNECT,
    { act: { op: 'expire-agent' } },
    { call: 'reactivate_agent', as: 'r', args: { agent_id: '${agent}' } },
  ],
  expect: [
    { because: 'reactivate_agent on an expired agent the server reactivates (§6.8)', call: 'r', ok: true },
    { because: 'the reactivated agent (§6.8 step 3)', call: 'r', path: 'agent_id', is: { eq: '${agent}' } },
    { because: 'the status after reactivation (§6.8)', call: 'r', path: 'status', is: { eq: 'active' } },
    {
      because: 'an active grant with its description (§6.8)',
      call: 'r',
      path: 'agent_capability_grants[status=active].description',
      is: { present: true },
    },
    {
      because: 'an active grant with its input schema (§6.8)',
      call: 'r',
      path: 'agent_capability_grants[status=active].input',
      is: { present: true },
    },
    {
      because: 'an active grant with its output schema (§6.8)',
      call: 'r',
      path: 'agent_capability_grants[status=active].output',
      is: { present: true },
    },
  ],
});

const disconnectForgets = defineScenario({
  id: 'client.lifecycle.disconnect-forgets-agent',
  title: 'After disconnect_agent the client no longer signs anything with the agent key',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.7-STEP3'],
  tools: ['connect_agent', 'disconnect_agent', 'execute_capability'],
  knobs: AUTO,
  steps: [
    CONNECT,
    { call: 'disconnect_agent', as: 'd', args: { agent_id: '${agent}' }, require: 'ok' },
    // A client that deleted the agent keypair (§6.7 step 3) has nothing left to sign this with.
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  ],
  expect: [
    {
      because: 'agent JWTs sent after the disconnection (§6.7 step 3)',
      requests: { auth: 'agent', after: 'x' },
      count: { max: 0 },
    },
    { because: 'execute_capability for a disconnected agent (§6.7 step 3)', call: 'x', ok: false },
  ],
});

export const scenarios: Scenario[] = [status, disconnect, failedRevoke, reactivate, reactivated, disconnectForgets];
