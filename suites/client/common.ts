import type { ClientScenarioKnobs, SimEndpoint, Step } from '../../src/client-harness/api.ts';

/** Every approval granted at once (high-risk capabilities excepted): scenarios about something else. */
export const AUTO_APPROVAL = { approval: { policy: 'auto' } } as const satisfies ClientScenarioKnobs;

/** connect_agent to the simulated provider with `capabilities`, a precondition of the steps after it. */
export function connectStep(name: string, capabilities: readonly unknown[] = ['${cap.sync}']): Step {
  return {
    call: 'connect_agent',
    as: 'c',
    require: 'ok',
    args: { provider: '${provider}', name, capabilities: [...capabilities] },
  };
}

/** Every Server API endpoint a client may call, discovery aside. */
export const SERVER_API_ENDPOINTS: readonly SimEndpoint[] = [
  'list',
  'describe',
  'register',
  'status',
  'request-capability',
  'reactivate',
  'revoke',
  'execute',
  'introspect',
  'rotate-key',
  'revoke-host',
  'rotate-host-key',
];
