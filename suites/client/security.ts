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

export const scenarios: Scenario[] = [noPrivateKeys];
