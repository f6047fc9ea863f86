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
        // Not the default mode, so a mode left out of the registration cannot pass for it.
        mode: 'autonomous',
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
    { because: 'mode (§6.4)', requests: { endpoint: 'register' }, every: 'body.mode', is: { eq: 'autonomous' } },
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
    // Not required to succeed: a client that reuses the first key is refused (409 agent_exists), and
    // what it sent is the evidence.
    {
      call: 'connect_agent',
      as: 'c2',
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

/**
 * The constrainable capability's numeric input field, as the simulator's profile names it. Constraint
 * keys are field names, which `${…}` placeholders cannot produce (they fill values, not keys).
 */
const NUMERIC_FIELD = 'amount';

const constraintsForwarded = defineScenario({
  id: 'client.registration.capability-constraints-forwarded',
  title: 'connect_agent forwards a capability given with constraints as that object, next to a bare name',
  area: 'registration',
  level: 'MUST',
  requirements: ['AAP-6.4-FIELD.capabilities', 'AAP-6.4-STEP4'],
  tools: ['connect_agent'],
  knobs: AUTO,
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: {
        provider: '${provider}',
        name: 'conformance constraints',
        capabilities: [{ name: '${cap.constrainable}', constraints: { [NUMERIC_FIELD]: { max: 100 } } }, '${cap.sync}'],
      },
    },
  ],
  expect: [
    { because: 'registration', requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'the capability object keeps its name (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.capabilities.0.name',
      is: { eq: '${cap.constrainable}' },
    },
    {
      because: 'the capability object keeps its constraints (§6.4, §2.13)',
      requests: { endpoint: 'register' },
      every: 'body.capabilities.0.constraints',
      is: { eq: { [NUMERIC_FIELD]: { max: 100 } } },
    },
    {
      because: 'the bare capability name next to it (§6.4)',
      requests: { endpoint: 'register' },
      every: 'body.capabilities.1',
      is: { eq: '${cap.sync}' },
    },
  ],
});

const freshKeyAfterDenial = defineScenario({
  id: 'client.registration.fresh-key-after-denial',
  title: 'A new connect_agent after a denied registration registers a new agent key, not the denied one',
  area: 'registration',
  level: 'SHOULD',
  requirements: ['AAP-5.3-14'],
  tools: ['connect_agent'],
  knobs: { approval: { policy: 'pending', method: 'device_authorization', interval: 1, expiresIn: 60 } },
  // Every registration is denied at its first status poll.
  triggers: [{ on: { endpoint: 'status' }, do: { op: 'deny' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c1',
      timeoutMs: 10_000,
      args: { provider: '${provider}', name: 'conformance attempt one', capabilities: ['${cap.sync}'] },
    },
    { waitFor: { endpoint: 'status', nth: 1 }, timeoutMs: 3000 },
    {
      call: 'connect_agent',
      as: 'c2',
      timeoutMs: 10_000,
      args: { provider: '${provider}', name: 'conformance attempt two', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'registrations of the second attempt',
      requests: { endpoint: 'register', after: 'c2' },
      count: { min: 1 },
    },
    {
      because: 'agent keys across registration attempts (§5.3: a fresh attempt gets a new keypair)',
      requests: { endpoint: 'register' },
      distinct: 'jwt.claims.agent_public_key.x',
    },
  ],
});

const widenedGrantFlagged = defineScenario({
  id: 'client.registration.widened-grant-flagged',
  title: 'A grant whose constraints are wider than proposed is flagged to the agent as wider',
  area: 'registration',
  level: 'SHOULD',
  requirements: ['AAP-2.13-05', 'AAP-2.13-06'],
  tools: ['connect_agent'],
  knobs: {
    ...AUTO,
    // The simulator grants its constrainable capability (transfer_money) a ceiling 50 times the proposed one.
    grants: { widen: { transfer_money: { [NUMERIC_FIELD]: { max: 5000 } } } },
  },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      args: {
        provider: '${provider}',
        name: 'conformance widened grant',
        capabilities: [{ name: '${cap.constrainable}', constraints: { [NUMERIC_FIELD]: { max: 100 } } }],
      },
    },
  ],
  expect: [
    {
      because: 'the registration carries the proposed constraints',
      requests: { endpoint: 'register' },
      every: 'body.capabilities.0.constraints',
      is: { eq: { [NUMERIC_FIELD]: { max: 100 } } },
    },
    {
      because: 'a grant wider than proposed is called wider to the agent or user (§2.13: warn or refuse)',
      call: 'c',
      mentions: 'wider',
    },
  ],
});

export const scenarios: Scenario[] = [
  fieldsForwarded,
  newKeyPerConnect,
  invalidCapabilities,
  constraintsForwarded,
  freshKeyAfterDenial,
  widenedGrantFlagged,
];
