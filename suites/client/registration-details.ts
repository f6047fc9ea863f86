import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * The constrainable capability's numeric input field, as the simulator's profile names it (constraint
 * keys are field names, which `${…}` placeholders cannot produce). The simulator caps this field at
 * 10 000 by policy, so a proposed minimum above that leaves nothing to grant: that grant is denied
 * while the rest of the registration goes through.
 */
const NUMERIC_FIELD = 'amount';
const UNGRANTABLE = { name: '${cap.constrainable}', constraints: { [NUMERIC_FIELD]: { min: 20_000 } } };

const hostName = defineScenario({
  id: 'client.registration.host-name',
  title: 'The registration names the host with a host_name the client worked out itself',
  area: 'registration',
  level: 'SHOULD',
  requirements: ['AAP-3.1-02', 'AAP-5.3-04'],
  tools: ['connect_agent'],
  knobs: AUTO,
  // The agent gives no host name: whatever arrives is the client's own.
  steps: [connectStep('conformance host name')],
  // Fails: A client that sends no host_name, or an empty one, fails.
  expect: [
    { because: 'a registration to judge', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      // Where the name came from (machine name, product name) does not show on the wire; that there is one does.
      because: 'host_name of the registration (§3.1, §5.3)',
      requests: { endpoint: 'register' },
      every: 'body.host_name',
      is: { matches: '\\S' },
    },
  ],
});

const deniedReported = defineScenario({
  id: 'client.registration.denied-capabilities-reported',
  title: 'When a registration is granted in part, the agent is told which capability was denied',
  area: 'registration',
  level: 'SHOULD',
  requirements: ['AAP-5.3-28'],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance partial grant', capabilities: ['${cap.sync}', UNGRANTABLE] },
    },
  ],
  // Fails: A client that reports only what was granted, saying nothing of the denied capability, fails.
  expect: [
    { because: 'a registration', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'a registration answered with one grant denied',
      precondition: true,
      requests: { endpoint: 'register' },
      every: 'response.body.agent_capability_grants[capability=${cap.constrainable}].status',
      is: { eq: 'denied' },
    },
    { because: 'the denied capability named to the agent (§5.3)', call: 'c', mentions: '${cap.constrainable}' },
    { because: 'the agent told it was denied (§5.3)', call: 'c', mentions: 'denied' },
  ],
});

/**
 * The agent listed the capabilities, then asks for one that does not exist: the error it gets back
 * names what it could have asked for (the last listing), so it can correct itself at once.
 */
const availableOnInvalid = defineScenario({
  id: 'client.registration.invalid-capabilities-lists-available',
  title: 'connect_agent answering invalid_capabilities lists the capabilities the provider offers',
  area: 'registration',
  level: 'SHOULD',
  requirements: ['AAP-6.4-04'],
  tools: ['list_capabilities', 'connect_agent'],
  knobs: AUTO,
  steps: [
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } },
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance unknown', capabilities: ['no_such_capability_x9'] },
    },
  ],
  expect: [
    { because: 'a registration', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'a registration refused with invalid_capabilities',
      precondition: true,
      requests: { endpoint: 'register' },
      every: 'response.body.error',
      is: { eq: 'invalid_capabilities' },
    },
    // A capability the listing offered and the agent never asked for.
    { because: 'the capabilities available, with the error (§6.4 step 7)', call: 'c', mentions: '${cap.async}' },
  ],
});

export const scenarios: Scenario[] = [hostName, deniedReported, availableOnInvalid];
