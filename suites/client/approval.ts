import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

const PENDING = {
  approval: { policy: 'pending' as const, method: 'device_authorization' as const, interval: 1, expiresIn: 60 },
};

const deviceFlow = defineScenario({
  id: 'client.approval.device-flow',
  title:
    'Device authorization: the code is shown, status is polled with a host JWT no faster than the interval, until approved',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-6.4-STEP6', 'AAP-7.1-STEP2', 'AAP-7.1-STEP4', 'AAP-7.3-01', 'AAP-6.4-STEP5'],
  rulings: ['RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent'],
  knobs: PENDING,
  triggers: [{ on: { endpoint: 'status', nth: 3 }, do: { op: 'approve' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 20_000,
      args: { provider: '${provider}', name: 'conformance device', capabilities: ['${cap.sync}'] },
    },
    // A client may return pending and keep polling by itself (RUL-CONNECT-PENDING-RETURN).
    { waitFor: { endpoint: 'status', nth: 3 }, timeoutMs: 10_000 },
  ],
  expect: [
    { because: 'status polls until approval (§7.1 step 4)', requests: { endpoint: 'status' }, count: { min: 3 } },
    {
      because: 'status polls authenticate as the host (§7.1)',
      requests: { endpoint: 'status' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'poll spacing at the advertised interval (§7.1 step 4)',
      requests: { endpoint: 'status' },
      spacingMs: '${approval.interval_ms}',
    },
    { because: 'the user code is shown to the user (§7.1 step 2)', call: 'c', mentions: '${approval.user_code}' },
    {
      because: 'the verification URL is shown to the user (§7.1 step 2)',
      call: 'c',
      mentions: '${approval.verification_uri}',
    },
    { because: 'connect_agent after approval (§6.4 step 6)', call: 'c', ok: true },
  ],
});

const stopsOnDenial = defineScenario({
  id: 'client.approval.stops-on-denial',
  title: 'A denied registration ends the flow: polling stops and the agent is not registered again',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-7.1-05', 'AAP-6.4-STEP6', 'AAP-7.1-STEP4'],
  tools: ['connect_agent'],
  knobs: PENDING,
  // Every status poll denies what is pending: a registration the client retried by itself ends at once.
  triggers: [{ on: { endpoint: 'status' }, do: { op: 'deny' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance denial', capabilities: ['${cap.sync}'] },
    },
    { wait: 2500 },
  ],
  expect: [
    {
      because: 'registrations after a denial (§7.1: no retry of a denied registration)',
      requests: { endpoint: 'register' },
      count: { max: 1 },
    },
    { because: 'status polls after the denial was answered', requests: { endpoint: 'status' }, count: { max: 1 } },
    { because: 'connect_agent reports the denial (§6.4 step 6)', call: 'c', ok: false },
  ],
});

/**
 * One slow_down, answered to the first status poll; the second poll is approved. A client that
 * honours it waits interval + 5 s (6 s) before that second poll.
 */
const SLOWED: Pick<Scenario, 'knobs' | 'triggers' | 'steps'> = {
  knobs: { approval: { ...PENDING.approval, slowDownAt: [1] } },
  triggers: [{ on: { endpoint: 'status', nth: 2 }, do: { op: 'approve' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance slow down', capabilities: ['${cap.sync}'] },
    },
    // A client that returned pending polls on by itself (RUL-CONNECT-PENDING-RETURN).
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 10_000 },
  ],
};

const slowDownSlows = defineScenario({
  id: 'client.approval.slow-down-slows-polling',
  title: 'After a slow_down answer the next status poll comes later than the interval',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-7.1-08', 'AAP-7.1-STEP4'],
  rulings: ['RUL-SLOW-DOWN'],
  tools: ['connect_agent'],
  ...SLOWED,
  expect: [
    { because: 'status polls after the slow_down', requests: { endpoint: 'status' }, count: { min: 2 } },
    {
      // Interval 1 s; half a second beyond it separates a slowed client from one polling on as before.
      because: 'the poll after slow_down waits longer than the 1 s interval (RUL-SLOW-DOWN)',
      requests: { endpoint: 'status' },
      spacingMs: 1500,
    },
  ],
});

const slowDownFiveSeconds = defineScenario({
  id: 'client.approval.slow-down-adds-five-seconds',
  title: 'After a slow_down answer the next status poll waits the interval plus 5 seconds',
  area: 'approval',
  level: 'SHOULD',
  requirements: ['AAP-7.1-08'],
  rulings: ['RUL-SLOW-DOWN'],
  tools: ['connect_agent'],
  ...SLOWED,
  expect: [
    { because: 'status polls after the slow_down', requests: { endpoint: 'status' }, count: { min: 2 } },
    {
      because: 'the poll after slow_down waits interval + 5 s (RFC 8628 §3.5, RUL-SLOW-DOWN)',
      requests: { endpoint: 'status' },
      spacingMs: 6000,
    },
  ],
});

/** What a server says while the user has not decided (§5.13, RFC 8628 §3.5). */
const STILL_PENDING = {
  status: 400,
  body: { error: 'authorization_pending', message: 'conformance: the user has not decided yet' },
};

/**
 * The approval lapses 2 s after it was handed out, but the server goes on answering status polls
 * `authorization_pending`: the client must stop by its own clock (RUL-APPROVAL-EXPIRY), at the latest
 * one interval plus half a second after expiry (3.5 s). At 1 s spacing that allows 4 polls at most,
 * counting one sent as soon as the approval arrived; a fifth comes only from a client polling on.
 */
const stopsAtExpiry = defineScenario({
  id: 'client.approval.stops-at-expiry',
  title: 'Status polling stops once the approval has expired, even while the server still answers pending',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-7.1-STEP4', 'AAP-5.3-21', 'AAP-6.4-STEP6'],
  rulings: ['RUL-APPROVAL-EXPIRY', 'RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent'],
  knobs: {
    approval: { ...PENDING.approval, expiresIn: 2 },
    answers: [
      { endpoint: 'status', nth: 2, ...STILL_PENDING },
      { endpoint: 'status', nth: 3, ...STILL_PENDING },
      { endpoint: 'status', nth: 4, ...STILL_PENDING },
      { endpoint: 'status', nth: 5, ...STILL_PENDING },
    ],
  },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 10_000,
      args: { provider: '${provider}', name: 'conformance expiry', capabilities: ['${cap.sync}'] },
    },
    // Long enough to see a fifth poll at 1 s spacing (about 5 s after the approval arrived).
    { wait: 2500 },
    { waitFor: { endpoint: 'status', nth: 5 }, timeoutMs: 3000 },
  ],
  expect: [
    {
      because: 'status polls of an approval that expired after 2 s: at most 4 at 1 s spacing (RUL-APPROVAL-EXPIRY)',
      requests: { endpoint: 'status' },
      count: { max: 4 },
    },
    {
      because: 'poll spacing at the advertised interval (§7.1 step 4)',
      requests: { endpoint: 'status' },
      spacingMs: '${approval.interval_ms}',
    },
  ],
});

const cibaPolled = defineScenario({
  id: 'client.approval.ciba-polled',
  title: 'CIBA: status is polled with a host JWT at the interval until the agent is approved',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-7.2-06', 'AAP-6.4-STEP6', 'AAP-7.3-01'],
  rulings: ['RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent'],
  knobs: { approval: { ...PENDING.approval, method: 'ciba' } },
  triggers: [{ on: { endpoint: 'status', nth: 2 }, do: { op: 'approve' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: {
        provider: '${provider}',
        name: 'conformance ciba',
        capabilities: ['${cap.sync}'],
        preferred_method: 'ciba',
      },
    },
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 10_000 },
  ],
  expect: [
    { because: 'status polls until approval (§7.2)', requests: { endpoint: 'status' }, count: { min: 2 } },
    {
      because: 'status polls authenticate as the host (§7.2)',
      requests: { endpoint: 'status' },
      every: 'jwt.header.typ',
      is: { eq: 'host+jwt' },
    },
    {
      because: 'status polls name the pending agent (§5.5)',
      requests: { endpoint: 'status' },
      every: 'query.agent_id',
      is: { eq: '${agent}' },
    },
    {
      because: 'poll spacing at the advertised interval (§7.2)',
      requests: { endpoint: 'status' },
      spacingMs: '${approval.interval_ms}',
    },
    { because: 'connect_agent during or after the CIBA flow (§6.4 step 6)', call: 'c', ok: true },
  ],
});

/**
 * The device-authorization answer sends the user to another origin (the foreign listener's): a URL the
 * server hands over is checked before it is shown (§8.12), and a verification page off the server's
 * origin is not passed on to the user as the place to approve: the user code to enter there is not
 * shown. The approval lapses after a few seconds
 * so a client that keeps polling ends too.
 */
const foreignVerificationUri = defineScenario({
  id: 'client.approval.foreign-verification-uri-not-shown',
  title: "A verification_uri on another origin than the server's is not shown to the user",
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-8.12-20', 'AAP-8.12-23'],
  tools: ['connect_agent'],
  knobs: { approval: { ...PENDING.approval, expiresIn: 3, verificationUri: 'foreign' } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance foreign verification', capabilities: ['${cap.sync}'] },
    },
  ],
  expect: [
    {
      because: 'a device authorization to judge (§7.1)',
      precondition: true,
      requests: { endpoint: 'register' },
      count: { min: 1 },
    },
    // Naming the refused URL in an error is fine; handing the user the code to enter there is not.
    {
      because: 'the user code for a verification page on another origin (§8.12)',
      call: 'c',
      notMentions: '${approval.user_code}',
    },
  ],
});

/**
 * The user checks where a verification URL leads before going there, so the client shows it whole,
 * scheme, host, port and path. A client that shows only a link text, a shortened form or the path
 * fails.
 */
const wholeVerificationUri = defineScenario({
  id: 'client.approval.verification-uri-shown-whole',
  title: 'The verification_uri is shown to the user in full',
  area: 'approval',
  level: 'SHOULD',
  requirements: ['AAP-8.12-25'],
  rulings: ['RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent'],
  knobs: PENDING,
  triggers: [{ on: { endpoint: 'status', nth: 2 }, do: { op: 'approve' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance verification url', capabilities: ['${cap.sync}'] },
    },
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 10_000 },
  ],
  expect: [
    { because: 'a device authorization', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    { because: 'the whole verification URL (§8.12)', call: 'c', mentions: '${approval.verification_uri}' },
  ],
});

export const scenarios: Scenario[] = [
  deviceFlow,
  wholeVerificationUri,
  foreignVerificationUri,
  stopsOnDenial,
  slowDownSlows,
  slowDownFiveSeconds,
  stopsAtExpiry,
  cibaPolled,
];
