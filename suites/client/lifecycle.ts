import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

const CONNECT = connectStep('conformance lifecycle');

const status = defineScenario({
  id: 'client.lifecycle.status-with-host-jwt',
  title: 'agent_status queries the status endpoint with a host JWT naming the agent, and reports the status',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.9-STEP1', 'AAP-6.9-STEP2', 'AAP-6.9-STEP3', 'AAP-6.9-FIELD.agent_id', 'AAP-5.5-07'],
  tools: ['connect_agent', 'agent_status'],
  knobs: AUTO,
  // No `require: 'ok'`: a client that signs the status request wrongly is answered an error, and that
  // is a verdict on the request it sent, not a broken precondition.
  steps: [CONNECT, { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } }],
  expect: [
    { because: 'status requests', requests: { endpoint: 'status', after: 's' }, count: { min: 1 } },
    {
      // The simulator reads tokens from `Authorization: Bearer` only, so a typ here means a bearer host JWT (§5.5).
      because: 'status authenticates with a host JWT as bearer token (§6.9 step 2, §5.5)',
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

/**
 * Every approval waits for the user, who approves right after each status poll is answered: the
 * registration is approved after its first poll, and so is the reactivation (the host defaults it
 * brings back wait too, RUL-REACTIVATION-APPROVAL) after the first poll that follows it.
 */
const reactivationApproved = defineScenario({
  id: 'client.lifecycle.reactivation-approval-followed',
  title: 'A reactivation answered pending is followed: status is polled with a host JWT at the interval until approved',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.8-STEP4'],
  rulings: ['RUL-REACTIVATION-APPROVAL', 'RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent', 'reactivate_agent'],
  knobs: { approval: { policy: 'pending', method: 'device_authorization', interval: 1, expiresIn: 60 } },
  triggers: [{ on: { endpoint: 'status' }, do: { op: 'approve' }, when: 'after-answer' }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance reactivation', capabilities: ['${cap.sync}'] },
    },
    // The second poll finds the agent active (a client may have returned pending and polled on).
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 10_000 },
    { act: { op: 'expire-agent' } },
    { call: 'reactivate_agent', as: 'r', timeoutMs: 15_000, args: { agent_id: '${agent}' } },
    { waitFor: { endpoint: 'status', nth: 4 }, timeoutMs: 10_000 },
  ],
  expect: [
    { because: 'a reactivation', precondition: true, requests: { endpoint: 'reactivate' }, count: { min: 1 } },
    {
      because: 'a reactivation answered pending',
      precondition: true,
      requests: { endpoint: 'reactivate' },
      every: 'response.body.status',
      is: { eq: 'pending' },
    },
    {
      because: 'status polls until the reactivation is approved (§6.8 step 4)',
      requests: { endpoint: 'status', after: 'r' },
      count: { min: 2 },
    },
    {
      because: 'the polls authenticate as the host (§6.8, §7.1)',
      requests: { endpoint: 'status', after: 'r' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'the polls name the agent (§5.5)',
      requests: { endpoint: 'status', after: 'r' },
      every: 'query.agent_id',
      is: { eq: '${agent}' },
    },
    {
      because: 'poll spacing at the advertised interval (§7.1 step 4)',
      requests: { endpoint: 'status', after: 'r' },
      spacingMs: '${approval.interval_ms}',
    },
    { because: 'reactivate_agent during or after the approval (§6.8 step 4)', call: 'r', ok: true },
  ],
});

export const scenarios: Scenario[] = [
  status,
  disconnect,
  failedRevoke,
  reactivate,
  reactivated,
  disconnectForgets,
  reactivationApproved,
];
