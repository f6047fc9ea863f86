import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

const AUTO = { approval: { policy: 'auto' as const } };
const CONNECT: Step = {
  call: 'connect_agent',
  as: 'c',
  require: 'ok',
  args: { provider: '${provider}', name: 'conformance lifecycle', capabilities: ['${cap.sync}'] },
};

const status = defineScenario({
  id: 'client.lifecycle.status-with-host-jwt',
  title: 'agent_status queries the status endpoint with a host JWT naming the agent, and reports the status',
  area: 'lifecycle',
  level: 'MUST',
  requirements: ['AAP-6.9-STEP1', 'AAP-6.9-STEP2', 'AAP-6.9-STEP3', 'AAP-6.9-FIELD.agent_id'],
  tools: ['connect_agent', 'agent_status'],
  knobs: AUTO,
  steps: [CONNECT, { call: 'agent_status', as: 's', args: { agent_id: '${agent}' }, require: 'ok' }],
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

export const scenarios: Scenario[] = [status, disconnect, failedRevoke];
