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
    { because: 'connect_agent after approval (§6.4 step 6)', call: 'c', ok: true },
  ],
});

const stopsOnDenial = defineScenario({
  id: 'client.approval.stops-on-denial',
  title: 'A denied registration ends the flow: polling stops and the agent is not registered again',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-7.1-05', 'AAP-6.4-STEP6'],
  tools: ['connect_agent'],
  knobs: PENDING,
  triggers: [{ on: { endpoint: 'status', nth: 1 }, do: { op: 'deny' } }],
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

export const scenarios: Scenario[] = [deviceFlow, stopsOnDenial];
