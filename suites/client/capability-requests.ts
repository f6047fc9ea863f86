import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO, connectStep } from './common.ts';

/**
 * The constrainable capability's numeric input field, as the simulator's profile names it. Constraint
 * keys are field names, which `${…}` placeholders cannot produce (they fill values, not keys).
 */
const NUMERIC_FIELD = 'amount';

/** An agent connected with one auto-approved capability, to escalate from. */
const CONNECT = connectStep('conformance escalation');

/** An escalation to the constrainable capability, granted at once under the auto policy. */
const ESCALATE: Step = {
  call: 'request_capability',
  as: 'r',
  args: {
    agent_id: '${agent}',
    capabilities: [{ name: '${cap.constrainable}', constraints: { [NUMERIC_FIELD]: { max: 100 } } }],
    reason: 'conformance: escalation reason',
    preferred_method: 'device_authorization',
    login_hint: 'user@example.test',
    binding_message: 'conformance escalation binding',
  },
};

const fieldsForwarded = defineScenario({
  id: 'client.capability-requests.fields-forwarded',
  title:
    'request_capability posts the capabilities, reason and approval hints as given, with an agent JWT naming the agent',
  area: 'capability-requests',
  level: 'MUST',
  requirements: [
    'AAP-6.6-STEP1',
    'AAP-5.4-02',
    'AAP-6.6-FIELD.agent_id',
    'AAP-6.6-FIELD.capabilities',
    'AAP-6.6-FIELD.reason',
    'AAP-6.6-FIELD.preferred_method',
    'AAP-6.6-FIELD.login_hint',
    'AAP-6.6-FIELD.binding_message',
  ],
  tools: ['connect_agent', 'request_capability'],
  knobs: AUTO,
  steps: [CONNECT, ESCALATE],
  expect: [
    { because: 'capability requests (§6.6 step 1)', requests: { endpoint: 'request-capability' }, count: { min: 1 } },
    {
      because: 'the escalation authenticates as the agent (§5.4)',
      requests: { endpoint: 'request-capability' },
      every: 'jwt.header.typ',
      is: { eq: 'agent+jwt' },
    },
    {
      because: 'the agent JWT names the connected agent (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'jwt.claims.sub',
      is: { eq: '${agent}' },
    },
    {
      because: 'the capability object keeps its name (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'body.capabilities.0.name',
      is: { eq: '${cap.constrainable}' },
    },
    {
      because: 'the capability object keeps its constraints (§6.6, §2.13)',
      requests: { endpoint: 'request-capability' },
      every: 'body.capabilities.0.constraints',
      is: { eq: { [NUMERIC_FIELD]: { max: 100 } } },
    },
    {
      because: 'reason (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'body.reason',
      is: { eq: 'conformance: escalation reason' },
    },
    {
      because: 'preferred_method (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'body.preferred_method',
      is: { eq: 'device_authorization' },
    },
    {
      because: 'login_hint (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'body.login_hint',
      is: { eq: 'user@example.test' },
    },
    {
      because: 'binding_message (§6.6)',
      requests: { endpoint: 'request-capability' },
      every: 'body.binding_message',
      is: { eq: 'conformance escalation binding' },
    },
  ],
});

const grantedAtOnce = defineScenario({
  id: 'client.capability-requests.granted-at-once',
  title: 'An escalation granted at once returns the agent, its status and the new grant as active',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.6-STEP2', 'AAP-6.6-SHAPE.request_capability', 'AAP-6.6-STEP5'],
  tools: ['connect_agent', 'request_capability'],
  knobs: AUTO,
  steps: [CONNECT, { ...ESCALATE, require: 'ok' }],
  expect: [
    { because: 'request_capability (§6.6 step 2)', call: 'r', ok: true },
    { because: 'the result names the agent (§6.6)', call: 'r', path: 'agent_id', is: { eq: '${agent}' } },
    { because: 'the result carries the agent status (§6.6)', call: 'r', path: 'status', is: { eq: 'active' } },
    {
      because: 'the new grant (§6.6 step 2)',
      call: 'r',
      path: 'agent_capability_grants.0.capability',
      is: { eq: '${cap.constrainable}' },
    },
    {
      because: 'the new grant is active (§6.6 step 2)',
      call: 'r',
      path: 'agent_capability_grants.0.status',
      is: { eq: 'active' },
    },
  ],
});

const pendingFollowed = defineScenario({
  id: 'client.capability-requests.pending-followed',
  title:
    'A pending escalation is followed: the code is shown and status is polled at the interval until the grant is decided',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.6-STEP3', 'AAP-5.4-08', 'AAP-7.1-STEP2'],
  rulings: ['RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent', 'request_capability'],
  // High-risk capabilities wait for a user even under the auto policy.
  knobs: { approval: { policy: 'auto', method: 'device_authorization', interval: 1, expiresIn: 60 } },
  triggers: [{ on: { endpoint: 'status', nth: 2 }, do: { op: 'approve' } }],
  steps: [
    CONNECT,
    {
      call: 'request_capability',
      as: 'r',
      timeoutMs: 15_000,
      args: { agent_id: '${agent}', capabilities: ['${cap.highRisk}'], reason: 'conformance: high-risk escalation' },
    },
    // A client may return pending and keep polling by itself (RUL-CONNECT-PENDING-RETURN).
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 6000 },
  ],
  expect: [
    {
      because: 'status polls until the requested grant is decided (§6.6 step 3)',
      requests: { endpoint: 'status', after: 'r' },
      count: { min: 2 },
    },
    {
      because: 'the polls follow the connected agent (§5.4)',
      requests: { endpoint: 'status', after: 'r' },
      every: 'query.agent_id',
      is: { eq: '${agent}' },
    },
    {
      because: 'poll spacing at the advertised interval (§5.4)',
      requests: { endpoint: 'status', after: 'r' },
      spacingMs: '${approval.interval_ms}',
    },
    { because: 'the user code is shown to the user (§7.1 step 2)', call: 'r', mentions: '${approval.user_code}' },
    { because: 'request_capability during or after the approval (§6.6 step 3)', call: 'r', ok: true },
  ],
});

const invalidCapabilities = defineScenario({
  id: 'client.capability-requests.invalid-capabilities-surfaced',
  title: 'request_capability reports invalid_capabilities naming the unknown capability',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.6-STEP4', 'AAP-6.6-STEP5'],
  tools: ['connect_agent', 'request_capability'],
  knobs: AUTO,
  steps: [
    CONNECT,
    {
      call: 'request_capability',
      as: 'r',
      args: { agent_id: '${agent}', capabilities: ['no_such_capability_x9'] },
    },
  ],
  expect: [
    {
      because: 'the escalation was sent (§6.6 step 1)',
      requests: { endpoint: 'request-capability' },
      count: { min: 1 },
    },
    { because: 'request_capability with an unknown capability (§6.6 step 4)', call: 'r', ok: false },
    {
      because: 'the error names the unknown capability (§6.6 step 4)',
      call: 'r',
      mentions: 'no_such_capability_x9',
      where: 'result',
    },
  ],
});

/**
 * The agent listed the capabilities, then asks for one that does not exist: the error it gets back
 * names what it could have asked for, so it can correct itself at once.
 */
const availableOnInvalid = defineScenario({
  id: 'client.capability-requests.invalid-capabilities-lists-available',
  title: 'request_capability answering invalid_capabilities lists the capabilities the provider offers',
  area: 'capability-requests',
  level: 'SHOULD',
  requirements: ['AAP-6.6-01'],
  tools: ['connect_agent', 'list_capabilities', 'request_capability'],
  knobs: AUTO,
  steps: [
    CONNECT,
    { call: 'list_capabilities', as: 'l', args: { provider: '${provider}' } },
    { call: 'request_capability', as: 'r', args: { agent_id: '${agent}', capabilities: ['no_such_capability_x9'] } },
  ],
  // Fails: A client that reports the refusal without the capabilities it last saw offered fails.
  expect: [
    {
      because: 'a capability request',
      precondition: true,
      requests: { endpoint: 'request-capability' },
      count: { min: 1 },
    },
    {
      because: 'a capability request refused with invalid_capabilities',
      precondition: true,
      requests: { endpoint: 'request-capability' },
      every: 'response.body.error',
      is: { eq: 'invalid_capabilities' },
    },
    // A capability the listing offered and the agent never asked for.
    { because: 'the capabilities available, with the error (§6.6 step 4)', call: 'r', mentions: '${cap.async}' },
  ],
});

/**
 * One escalation granted, one denied: the simulator caps the constrainable capability's amount at
 * 10 000 by policy, so a proposed minimum above that leaves nothing to grant.
 */
const grantDetailsByStatus = defineScenario({
  id: 'client.capability-requests.grant-details-by-status',
  title: 'request_capability hands back active grants with their details and denied ones with name and status only',
  area: 'capability-requests',
  level: 'MUST',
  requirements: ['AAP-6.6-02'],
  tools: ['connect_agent', 'request_capability'],
  knobs: AUTO,
  steps: [
    CONNECT,
    {
      call: 'request_capability',
      as: 'r',
      args: {
        agent_id: '${agent}',
        capabilities: [
          '${cap.async}',
          { name: '${cap.constrainable}', constraints: { [NUMERIC_FIELD]: { min: 20_000 } } },
        ],
      },
    },
  ],
  // Fails: A client that hands back the raw grants (no details on the active one) or details for the denied one fails.
  expect: [
    {
      because: 'a capability request',
      precondition: true,
      requests: { endpoint: 'request-capability' },
      count: { min: 1 },
    },
    {
      because: 'a capability request answered with one grant denied',
      precondition: true,
      requests: { endpoint: 'request-capability' },
      every: 'response.body.agent_capability_grants[capability=${cap.constrainable}].status',
      is: { eq: 'denied' },
    },
    { because: 'request_capability (§6.6)', call: 'r', ok: true },
    {
      because: 'the active grant (§6.6)',
      call: 'r',
      path: 'agent_capability_grants[capability=${cap.async}].status',
      is: { eq: 'active' },
    },
    {
      because: 'the active grant’s description (§6.6)',
      call: 'r',
      path: 'agent_capability_grants[capability=${cap.async}].description',
      is: { present: true },
    },
    {
      because: 'the active grant’s input schema (§6.6)',
      call: 'r',
      path: 'agent_capability_grants[capability=${cap.async}].input',
      is: { present: true },
    },
    {
      because: 'no capability details on the denied grant (§6.6)',
      call: 'r',
      path: 'agent_capability_grants[capability=${cap.constrainable}].description',
      is: { absent: true },
    },
    {
      because: 'no input schema on the denied grant (§6.6)',
      call: 'r',
      path: 'agent_capability_grants[capability=${cap.constrainable}].input',
      is: { absent: true },
    },
  ],
});

export const scenarios: Scenario[] = [
  fieldsForwarded,
  grantedAtOnce,
  pendingFollowed,
  invalidCapabilities,
  availableOnInvalid,
  grantDetailsByStatus,
];
