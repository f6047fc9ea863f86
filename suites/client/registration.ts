import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

const AUTO = { approval: { policy: 'auto' as const } };

const fieldsForwarded = defineScenario({
  id: 'client.registration.fields-forwarded',
  title: 'connect_agent forwards name, capabilities, mode, reason and the approval hints to the registration',
  area: 'registration',
  level: 'MUST',
  requirements: [
    'AAP-6.4-FIELD.name',
    'AAP-6.4-FIELD.capabilities',
    'AAP-6.4-FIELD.mode',
    'AAP-6.4-FIELD.reason',
    'AAP-6.4-FIELD.preferred_method',
    'AAP-6.4-FIELD.login_hint',
    'AAP-6.4-FIELD.binding_message',
    'AAP-6.4-STEP4',
  ],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: {
        provider: '${provider}',
        name: 'conformance forwarding',
        capabilities: ['${cap.sync}'],
        mode: 'delegated',
        reason: 'conformance: forwarded reason',
        preferred_method: 'device_authorization',
        login_hint: 'user@example.test',
        binding_message: 'conformance binding',
      },
    },
  ],
  expect: [
    { because: 'registration', requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'name (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.name',
      is: { eq: 'conformance forwarding' },
    },
    {
      because: 'capabilities (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.capabilities',
      is: { eq: ['${cap.sync}'] },
    },
    { because: 'mode (§6.4)', requests: { endpoint: 'register' }, every: 'body.mode', is: { eq: 'delegated' } },
    {
      because: 'reason (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.reason',
      is: { eq: 'conformance: forwarded reason' },
    },
    {
      because: 'preferred_method (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.preferred_method',
      is: { eq: 'device_authorization' },
    },
    {
      because: 'login_hint (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.login_hint',
      is: { eq: 'user@example.test' },
    },
    {
      because: 'binding_message (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.binding_message',
      is: { eq: 'conformance binding' },
    },
  ],
});

const newKeyPerConnect = defineScenario({
  id: 'client.registration.new-agent-key',
  title: 'Each connect_agent registers a new agent keypair',
  area: 'registration',
  level: 'MUST',
  requirements: ['AAP-6.4-STEP2', 'AAP-6.4-STEP3'],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c1',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance key one', capabilities: ['${cap.sync}'] },
    },
    {
      call: 'connect_agent',
      as: 'c2',
      require: 'ok',
      args: { provider: '${provider}', name: 'conformance key two', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    { because: 'registrations', requests: { endpoint: 'register' }, count: { min: 2 } },
    {
      because: 'the agent key in the registration host JWT (§6.4 step 3)',
      requests: { endpoint: 'register' },
      every: 'jwt.claims.agent_public_key.x',
      is: { present: true },
    },
    {
      because: 'agent keys across registrations (§6.4 step 2)',
      requests: { endpoint: 'register' },
      distinct: 'jwt.claims.agent_public_key.x',
    },
  ],
});

const invalidCapabilities = defineScenario({
  id: 'client.registration.invalid-capabilities-surfaced',
  title: 'connect_agent reports invalid_capabilities naming the unknown capability',
  area: 'registration',
  level: 'MUST',
  requirements: ['AAP-6.4-STEP7'],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: { provider: '${provider}', name: 'conformance unknown', capabilities: ['no_such_capability_x9'] },
    },
  ],
  expect: [
    { because: 'connect_agent with an unknown capability (§6.4 step 7)', call: 'c', ok: false },
    {
      because: 'the error names the unknown capability (§6.4 step 7)',
      call: 'c',
      mentions: 'no_such_capability_x9',
      where: 'result',
    },
  ],
});

export const scenarios: Scenario[] = [fieldsForwarded, newKeyPerConnect, invalidCapabilities];
