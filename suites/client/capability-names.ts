import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';
import { AUTO_APPROVAL } from './common.ts';

/**
 * Capability names are the server's opaque identifiers (§2.14, §8.15): one offered as `FX.Rate-Lookup`
 * (upper case, a dot, a dash) is requested and executed under exactly that name, never a tidied one.
 */
const namesVerbatim = defineScenario({
  id: 'client.capabilities.names-verbatim',
  title: 'A capability name is sent exactly as the server spells it, when requested and when executed',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-2.14-01', 'AAP-8.15-01'],
  tools: ['connect_agent'],
  knobs: { ...AUTO_APPROVAL, opaqueCapabilityName: true },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance opaque name', capabilities: ['${cap.opaque}'] },
    },
  ],
  expect: [
    {
      because: 'a registration to judge (§6.4)',
      precondition: true,
      requests: { endpoint: 'register' },
      count: { min: 1 },
    },
    {
      because: 'the capability name as the server spells it (§2.14, §8.15)',
      requests: { endpoint: 'register' },
      every: 'body.capability_names.0',
      is: { eq: '${cap.opaque}' },
    },
  ],
});

export const scenarios: Scenario[] = [namesVerbatim];
