import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

const noPrivateKeys = defineScenario({
  id: 'client.security.no-private-key-material',
  title: 'No request and no tool result carries private key material',
  area: 'security',
  level: 'MUST',
  requirements: ['AAP-4.1-01', 'AAP-8.1-01', 'AAP-4.1-06'],
  tools: ['connect_agent', 'execute_capability', 'agent_status'],
  knobs: { approval: { policy: 'auto' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance keys', capabilities: ['${cap.sync}'] },
    },
    { call: 'execute_capability', as: 'x', args: { agent_id: '${agent}', capability: '${cap.sync}', arguments: {} } },
    { call: 'agent_status', as: 's', args: { agent_id: '${agent}' } },
  ],
  expect: [{ because: 'private key material (§4.1, §8.1)', noPrivateKeyMaterial: true }],
});

/**
 * The registration alone, with no step depending on it: a client whose registration carries a private
 * key may well be refused, and the refusal must not hide what it sent.
 */
const noPrivateKeyInRegistration = defineScenario({
  id: 'client.security.no-private-key-in-registration',
  title: 'The registration request carries no private key material, whatever the server answers',
  area: 'security',
  level: 'MUST',
  requirements: ['AAP-4.1-01', 'AAP-8.1-01'],
  tools: ['connect_agent'],
  knobs: { approval: { policy: 'auto' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance key check', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'a registration to judge (§6.4)',
      precondition: true,
      requests: { endpoint: 'register' },
      count: { min: 1 },
    },
    { because: 'private key material (§4.1, §8.1)', noPrivateKeyMaterial: true },
  ],
});

export const scenarios: Scenario[] = [noPrivateKeys, noPrivateKeyInRegistration];
