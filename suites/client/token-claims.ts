import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * Claims every token carries, whoever signs it (§8.2, §8.18, §11): judged over all the host- and
 * agent-authenticated requests of one connect, listing, execution and status query.
 */

/** Host JWTs (registration, status) and agent JWTs (listing as the agent, execution) both. */
const SIGNED_REQUESTS: Step[] = [
  connectStep('conformance token claims'),
  { call: 'list_capabilities', as: 'l', args: { provider: '${provider}', agent_id: '${agent}' } },
  { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
  { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } },
];
const TOOLS: Scenario['tools'] = ['connect_agent', 'list_capabilities', 'execute_capability', 'agent_status'];
const SIGNED = { auth: ['host', 'agent'] } as const;

/** Any time since September 2001 in seconds exceeds this, so a timestamp below it is no timestamp. */
const EPOCH_SECONDS_FLOOR = 1_000_000_000;

const observabilityClaims = defineScenario({
  id: 'client.jwt.traceable-claims',
  title: 'Every token carries numeric iat and exp, and every agent token names the agent in sub',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-11-CLAIM.sub', 'AAP-11-CLAIM.iat', 'AAP-11-CLAIM.exp'],
  tools: TOOLS,
  knobs: AUTO,
  steps: SIGNED_REQUESTS,
  // A client that leaves out a claim (or writes a date string into it) fails here.
  expect: [
    { because: 'agent-authenticated requests', precondition: true, requests: { auth: 'agent' }, count: { min: 1 } },
    {
      because: 'the calling agent in sub (§11)',
      requests: { auth: 'agent' },
      every: 'jwt.claims.sub',
      is: { eq: '${agent}' },
    },
    {
      because: 'issue time, in seconds (§11)',
      requests: SIGNED,
      every: 'jwt.claims.iat',
      is: { gte: EPOCH_SECONDS_FLOOR },
    },
    {
      because: 'expiry time, in seconds (§11)',
      requests: SIGNED,
      every: 'jwt.claims.exp',
      is: { gte: EPOCH_SECONDS_FLOOR },
    },
  ],
});

const shortLived = defineScenario({
  id: 'client.jwt.every-token-short-lived',
  title: 'Every token the client signs, host or agent, expires at most 60 seconds after it was issued',
  area: 'jwt',
  level: 'SHOULD',
  requirements: ['AAP-8.2-01'],
  tools: TOOLS,
  knobs: AUTO,
  steps: SIGNED_REQUESTS,
  expect: [
    { because: 'signed requests', precondition: true, requests: SIGNED, count: { min: 2 } },
    { because: 'token lifetime, exp − iat (§8.2)', requests: SIGNED, every: 'jwt.lifetime', is: { lte: 60 } },
  ],
});

/**
 * Each token names the one server it is for: host JWTs and agent JWTs to the server's own endpoints
 * its issuer, execution tokens the location they are sent to (RUL-EXEC-AUD). A wildcard, a list of
 * servers or the endpoint's URL in place of the issuer fails.
 */
const audiencePerServer = defineScenario({
  id: 'client.jwt.audience-names-the-server',
  title: 'Every token is addressed to the server it is sent to: its issuer, or for execution the location',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-8.18-02'],
  rulings: ['RUL-EXEC-AUD'],
  tools: TOOLS,
  knobs: AUTO,
  steps: SIGNED_REQUESTS,
  expect: [
    { because: 'signed requests', precondition: true, requests: SIGNED, count: { min: 2 } },
    {
      because: 'host JWT audience: this server’s issuer (§8.18)',
      requests: { auth: 'host' },
      every: 'jwt.claims.aud',
      is: { eq: '${sim.issuer}' },
    },
    {
      because: 'agent JWT audience off execution: this server’s issuer (§8.18)',
      requests: { auth: 'agent', endpoint: ['list', 'describe', 'request-capability'] },
      every: 'jwt.claims.aud',
      is: { eq: '${sim.issuer}' },
    },
    {
      because: 'execution audience: the location executing (§8.18, RUL-EXEC-AUD)',
      requests: { endpoint: 'execute' },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    },
  ],
});

export const scenarios: Scenario[] = [observabilityClaims, shortLived, audiencePerServer];
