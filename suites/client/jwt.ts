import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

/** Connects an auto-approved agent, executes twice and asks for its status: host and agent JWTs both. */
const CONNECT_EXECUTE_STATUS: Step[] = [
  {
    call: 'connect_agent',
    as: 'c',
    require: 'ok',
    args: { provider: '${provider}', name: 'conformance tokens', capabilities: ['${cap.sync}'] },
  },
  { call: 'execute_capability', as: 'x1', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  { call: 'execute_capability', as: 'x2', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } },
];
const TOOLS = ['connect_agent', 'execute_capability', 'agent_status'] as Scenario['tools'];
const AUTO = { approval: { policy: 'auto' as const } };

const hostJwt = defineScenario({
  id: 'client.jwt.host-claims',
  title: 'Host JWTs: typ host+jwt, EdDSA, iss the host key thumbprint, aud the issuer, the host key, a jti',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-4.2-01', 'AAP-4.1-04', 'AAP-4.2-11', 'AAP-4.2-12', 'AAP-4.2-13', 'AAP-4.6-01'],
  tools: TOOLS,
  knobs: AUTO,
  steps: CONNECT_EXECUTE_STATUS,
  expect: [
    { because: 'host-authenticated requests', requests: { auth: 'host' }, count: { min: 2 } },
    { because: 'host JWT typ (§4.2)', requests: { auth: 'host' }, every: 'jwt.header.typ', is: { eq: 'host+jwt' } },
    { because: 'host JWT alg (§4.1)', requests: { auth: 'host' }, every: 'jwt.header.alg', is: { eq: 'EdDSA' } },
    {
      because: 'host JWT aud (§4.2)',
      requests: { auth: 'host' },
      every: 'jwt.claims.aud',
      is: { eq: '${sim.issuer}' },
    },
    {
      because: 'host JWT host key (§4.2)',
      requests: { auth: 'host' },
      every: 'jwt.claims.host_public_key',
      is: { present: true },
    },
    {
      because: 'host JWT iss (§4.2)',
      requests: { auth: 'host' },
      every: 'jwt.claims.iss',
      is: { samePathAs: 'jwt.host_key_thumbprint' },
    },
    { because: 'host JWT jti (§4.6)', requests: { auth: 'host' }, every: 'jwt.claims.jti', is: { present: true } },
  ],
});

/** Agent JWTs for the server's own endpoints (not execution) are addressed to its issuer (§4.3). */
const agentAudienceIssuer = defineScenario({
  id: 'client.jwt.agent-audience-issuer',
  title: 'Agent JWTs for listing and describing capabilities have the issuer as audience',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-4.3-05'],
  tools: ['connect_agent', 'list_capabilities', 'describe_capability'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance audience', capabilities: ['${cap.sync}'] },
    },
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}', agent_id: '${agent}' } },
    {
      call: 'describe_capability',
      as: 'd',
      args: { provider: '${provider}', agent_id: '${agent}', name: '${cap.sync}' },
    },
  ],
  expect: [
    {
      because: 'agent-authenticated listing or describing (§6.3, §6.3.1)',
      precondition: true,
      requests: { endpoint: ['list', 'describe'], auth: 'agent' },
      count: { min: 1 },
    },
    {
      because: 'agent JWT audience for non-execution requests (§4.3)',
      requests: { endpoint: ['list', 'describe'], auth: 'agent' },
      every: 'jwt.claims.aud',
      is: { eq: '${sim.issuer}' },
    },
  ],
});

const agentJwt = defineScenario({
  id: 'client.jwt.agent-claims',
  title: 'Agent JWTs: typ agent+jwt, EdDSA, iss the host thumbprint, sub the agent, a jti',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-4.3-01', 'AAP-4.1-04', 'AAP-4.3-08', 'AAP-4.6-01', 'AAP-11-CLAIM.jti'],
  tools: TOOLS,
  knobs: AUTO,
  steps: CONNECT_EXECUTE_STATUS,
  expect: [
    { because: 'agent-authenticated requests', requests: { auth: 'agent' }, count: { min: 2 } },
    { because: 'agent JWT typ (§4.3)', requests: { auth: 'agent' }, every: 'jwt.header.typ', is: { eq: 'agent+jwt' } },
    { because: 'agent JWT alg (§4.1)', requests: { auth: 'agent' }, every: 'jwt.header.alg', is: { eq: 'EdDSA' } },
    {
      because: 'agent JWT iss (§4.3)',
      requests: { auth: 'agent' },
      every: 'jwt.claims.iss',
      is: { eq: '${host.iss}' },
    },
    { because: 'agent JWT sub (§4.3)', requests: { auth: 'agent' }, every: 'jwt.claims.sub', is: { eq: '${agent}' } },
    { because: 'agent JWT jti (§4.6)', requests: { auth: 'agent' }, every: 'jwt.claims.jti', is: { present: true } },
  ],
});

const freshJti = defineScenario({
  id: 'client.jwt.fresh-jti',
  title: 'Every request carries a JWT with a jti never used before',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-4.6-01', 'AAP-11-CLAIM.jti'],
  tools: TOOLS,
  knobs: AUTO,
  steps: CONNECT_EXECUTE_STATUS,
  expect: [
    {
      because: 'jti across every authenticated request (§4.6)',
      requests: { auth: 'agent' },
      distinct: 'jwt.claims.jti',
    },
    { because: 'jti across host JWTs (§4.6)', requests: { auth: 'host' }, distinct: 'jwt.claims.jti' },
  ],
});

const agentLifetime = defineScenario({
  id: 'client.jwt.agent-lifetime',
  title: 'Agent JWTs live at most 60 seconds',
  area: 'jwt',
  level: 'SHOULD',
  requirements: ['AAP-4.3-02'],
  tools: TOOLS,
  knobs: AUTO,
  steps: CONNECT_EXECUTE_STATUS,
  expect: [
    {
      because: 'agent JWT lifetime, exp − iat (§4.3)',
      requests: { auth: 'agent' },
      every: 'jwt.lifetime',
      is: { lte: 60 },
    },
  ],
});

export const scenarios: Scenario[] = [agentAudienceIssuer, hostJwt, agentJwt, freshJti, agentLifetime];
