import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

/*
 * The client is pointed at an origin that serves only a discovery document, over a transport it
 * must refuse. A refusal leaves nothing on that listener: a failed TLS handshake carries no request,
 * and a plain-http URL refused up front is never connected to. Only that is judged: how the client
 * words the refusal to the agent is not this requirement's business.
 */

const untrustedTls = defineScenario({
  id: 'client.security.discovery-tls-verified',
  title: 'A discovery document behind a TLS certificate nobody vouches for is not fetched',
  area: 'security',
  level: 'MUST',
  requirements: ['AAP-8.9-05'],
  tools: ['connect_agent'],
  knobs: { extraListeners: ['untrusted-tls'] },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${listeners.untrusted_tls}', name: 'conformance tls', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'requests over a connection whose self-signed certificate the client accepted (§8.9)',
      requests: { listener: 'untrusted-tls' },
      count: { max: 0 },
    },
  ],
});

/**
 * Off loopback: plain http on loopback is the allowance a client under test runs with (the
 * simulator itself speaks it), so the refusal is observable only at another address.
 */
const httpsOnly = defineScenario({
  id: 'client.security.discovery-https-only',
  title: 'A discovery document on a plain-http origin off loopback is not fetched',
  area: 'security',
  level: 'SHOULD',
  requirements: ['AAP-8.12-07'],
  tools: ['connect_agent'],
  knobs: { extraListeners: ['plain-http'] },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${listeners.plain_http}', name: 'conformance http', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'discovery fetched over plain http from an origin off loopback (§8.12: https only)',
      requests: { listener: 'plain-http' },
      count: { max: 0 },
    },
  ],
});

export const scenarios: Scenario[] = [untrustedTls, httpsOnly];
