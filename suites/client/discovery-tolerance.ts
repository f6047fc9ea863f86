import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO } from './common.ts';

/**
 * Discovery documents with things the client does not know (§5.1, §5.1.1) or cannot afford (§8.12):
 * what it must get past, and what it must stop at.
 */

/** Endpoints other than discovery: what a client must not call once it refuses a document. */
const PROTOCOL_ENDPOINTS = [
  'list',
  'describe',
  'register',
  'status',
  'request-capability',
  'reactivate',
  'revoke',
  'execute',
] as const;

/** connect_agent whose outcome is judged, not required: whether it succeeds is the verdict. */
function connect(name: string): Step {
  return { call: 'connect_agent', as: 'c', args: { provider: '${provider}', name, capabilities: ['${cap.sync}'] } };
}

/**
 * Beside the core methods, the document names one no profile defines. Approval here is automatic, so
 * the client never has to use any method: a client that refuses the document, or fails reading the
 * list, does not register and fails.
 */
const unknownApprovalMethods = defineScenario({
  id: 'client.discovery.unknown-approval-method-ignored',
  title: 'A discovery document naming an approval method the client does not know still lets it register',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-5.1-08'],
  tools: ['connect_agent'],
  knobs: {
    ...AUTO,
    discovery: { fields: { approval_methods: ['x-conformance-wallet-push', 'device_authorization', 'ciba'] } },
  },
  steps: [connect('conformance unknown method')],
  expect: [
    {
      because: 'the registration after reading the document (§5.1)',
      requests: { endpoint: 'register' },
      count: { min: 1 },
    },
    { because: 'connect_agent (§5.1)', call: 'c', ok: true },
  ],
});

/**
 * The document carries members no version of the spec defines, at the top and nested, of every JSON
 * type. A client that validates the document strictly and refuses it does not register and fails.
 */
const unknownMembers = defineScenario({
  id: 'client.discovery.unknown-members-tolerated',
  title: 'Members the client does not recognise in the discovery document are ignored',
  area: 'discovery',
  level: 'SHOULD',
  requirements: ['AAP-5.1.1-06'],
  tools: ['connect_agent'],
  knobs: {
    ...AUTO,
    discovery: {
      fields: {
        x_conformance_profile: { name: 'conformance', features: ['a', 'b'], level: 2, beta: true, note: null },
        x_conformance_rank: 7,
        x_conformance_tags: ['alpha', 1, false],
      },
    },
  },
  steps: [connect('conformance unknown members')],
  expect: [
    {
      because: 'the registration after reading the document (§5.1.1)',
      requests: { endpoint: 'register' },
      count: { min: 1 },
    },
    { because: 'connect_agent (§5.1.1)', call: 'c', ok: true },
  ],
});

/**
 * About four megabytes of discovery document, four times the ~1 MB cap §8.12 suggests for discovery:
 * a client with a cap aborts the fetch and has no document, so nothing else is sent. A client without
 * one reads it all and registers, and fails.
 */
const OVERSIZED_BYTES = 4 * 1024 * 1024;

const oversizedDiscovery = defineScenario({
  id: 'client.security.oversized-discovery-refused',
  title: 'A discovery document of several megabytes is not read to the end and used',
  area: 'security',
  level: 'SHOULD',
  requirements: ['AAP-8.12-08'],
  tools: ['connect_agent'],
  knobs: { ...AUTO, discovery: { paddingBytes: OVERSIZED_BYTES } },
  steps: [connect('conformance oversized')],
  expect: [
    {
      because: 'the oversized document was asked for',
      precondition: true,
      requests: { endpoint: 'discovery' },
      count: { min: 1 },
    },
    {
      because: 'requests built on an oversized document (§8.12)',
      requests: { endpoint: PROTOCOL_ENDPOINTS },
      count: { max: 0 },
    },
    { because: 'connect_agent against an oversized document (§8.12)', call: 'c', ok: false },
  ],
});

export const scenarios: Scenario[] = [unknownApprovalMethods, unknownMembers, oversizedDiscovery];
