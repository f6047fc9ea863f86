import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

/**
 * Approvals that reach outside the core methods (§10.10): a notification URL that does not work,
 * and a method the client cannot know.
 */

const PENDING = {
  policy: 'pending' as const,
  method: 'device_authorization' as const,
  interval: 1,
  expiresIn: 60,
};

/**
 * Every approval object offers a notification URL (§10.10.2) that the simulator answers 404: a client
 * that tries it finds it unusable, one that ignores it polls anyway. Either way it polls the agent's
 * status until the approval, given at the second poll, arrives. The discovery document documents no
 * extension profile, so a client that counts on the notification profile anyway (waits for events and
 * never polls) fails both requirements (§10.10).
 */
const notificationFallback = defineScenario({
  id: 'client.approval.polls-when-notification-url-fails',
  title: 'With a notification URL that does not answer, the client polls the agent status until approval',
  area: 'approval',
  level: 'MUST',
  requirements: ['AAP-10.10.2-01', 'AAP-10.10-02'],
  rulings: ['RUL-CONNECT-PENDING-RETURN'],
  tools: ['connect_agent'],
  knobs: { approval: { ...PENDING, notificationUrl: 'unserved' } },
  triggers: [{ on: { endpoint: 'status', nth: 2 }, do: { op: 'approve' } }],
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance notification', capabilities: ['${cap.sync}'] },
    },
    // A client may return pending and keep polling by itself (RUL-CONNECT-PENDING-RETURN).
    { waitFor: { endpoint: 'status', nth: 2 }, timeoutMs: 10_000 },
  ],
  expect: [
    { because: 'a pending registration', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    {
      because: 'status polls in place of the unusable, undocumented notification URL (§10.10, §10.10.2)',
      requests: { endpoint: 'status' },
      count: { min: 2 },
    },
    { because: 'connect_agent during or after the approval (§10.10.2)', call: 'c', ok: true },
  ],
});

/** A method name no profile this suite knows defines: the client can only say it does not support it. */
const EXTENSION_METHOD = 'x-conformance-unknown-method';

const unsupportedMethod = defineScenario({
  id: 'client.approval.unsupported-method-reported',
  title: 'An approval method the client does not know is reported as unsupported, naming the method',
  area: 'approval',
  level: 'SHOULD',
  requirements: ['AAP-10.10.3-02'],
  tools: ['connect_agent'],
  // The approval lapses after a few seconds, so a client that waits for it ends too.
  knobs: { approval: { ...PENDING, expiresIn: 3, extensionMethod: EXTENSION_METHOD } },
  steps: [
    {
      call: 'connect_agent',
      as: 'c',
      timeoutMs: 15_000,
      args: { provider: '${provider}', name: 'conformance unknown method', capabilities: ['${cap.sync}'] },
    },
  ],
  // Fails: A client that guesses at the method, or reports a failure that does not name it, fails.
  expect: [
    { because: 'a pending registration', precondition: true, requests: { endpoint: 'register' }, count: { min: 1 } },
    { because: 'the unsupported method named to the agent or user (§10.10.3)', call: 'c', mentions: EXTENSION_METHOD },
  ],
});

export const scenarios: Scenario[] = [notificationFallback, unsupportedMethod];
