import {
  defineCheck,
  describeAnswer,
  jwks,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { executeSync } from '../_shared/execution.ts';
import { isRefusal } from '../_shared/refusals.ts';
import { AGENT_KID, HOST_KID, requireNoLoopbackAllowance } from './fixtures.ts';

/** Without an operator allowance, a loopback http JWKS URL must be neither fetched nor accepted (§8.12). */
export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.jwks.host-loopback-refused',
    title: 'A host whose JWKS URL is a loopback http address is not registered and its JWKS is not fetched',
    area: 'key-rotation',
    requirements: ['AAP-8.12-01', 'AAP-8.12-03', 'AAP-4.2-08'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      requireNoLoopbackAllowance(t);
      const host = await t.client.newHost({ kid: HOST_KID });
      const served = await t.jwks.publish('host', jwks(host.keys));
      host.jwksUrl = served.url;
      const registration = await t.client.register(host);
      t.expect(
        served.fetches.length === 0,
        `register with host_jwks_url ${served.url}: the server fetched it (§8.12: no loopback addresses, no plain http)`,
      );
      t.expect(
        isRefusal(registration),
        `register with host_jwks_url ${served.url}: expected a refusal (§8.12, RUL-JWKS-LOOPBACK), got ${describeAnswer(registration)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.agent-loopback-not-fetched',
    title: 'An agent JWKS URL on a loopback http address is never fetched',
    area: 'key-rotation',
    requirements: ['AAP-8.12-01', 'AAP-8.12-03', 'AAP-4.2-08'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      requireNoLoopbackAllowance(t);
      const { host } = await t.client.linkedHost();
      const agentKeys = await t.client.newAgentKeys({ kid: AGENT_KID });
      const served = await t.jwks.publish('agent', jwks(agentKeys));
      const registration = await t.client.register(host, {
        agentKeys,
        agentJwksUrl: served.url,
        capabilities: [t.capability('sync')],
      });
      // A server might fetch lazily, at the agent's first request.
      if (registration.agent) await executeSync(t, registration.agent);
      t.expect(
        served.fetches.length === 0,
        `register with agent_jwks_url ${served.url} (answered ${describeAnswer(registration)}): the server fetched it (§8.12: no loopback addresses, no plain http)`,
      );
      if (!isRefusal(registration))
        t.note(
          `the registration was accepted (${describeAnswer(registration)}) although its agent key cannot be fetched`,
        );
    },
  }),
];
