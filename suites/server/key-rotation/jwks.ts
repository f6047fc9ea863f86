import { defineCheck, type CheckContext, type CheckDefinition } from '../../../src/harness/check.ts';
import { jwks } from '../../../src/jose/index.ts';
import { describe, executeSync, isRefusal, syncCapability } from '../lifecycle/support.ts';
import { LoopbackJwks } from './loopback-jwks.ts';

const HOST_KID = 'conformance-host-key';
const AGENT_KID = 'conformance-agent-key';

/** Why positive JWKS checks cannot run (RUL-JWKS-LOOPBACK). */
const NO_JWKS_ALLOWANCE =
  'the target profile has no way to declare that the operator allows fetching loopback http JWKS URLs, so a harness-served JWKS cannot be used (RUL-JWKS-LOOPBACK)';

/** Notes that a harness-side fetch can only be seen when the target runs on this machine. */
function noteReachability(t: CheckContext): void {
  const { hostname } = new URL(t.client.issuer);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    t.note(`the target (${hostname}) is not on this machine, so it could not have reached the harness's loopback JWKS; only the refusal was judged`);
  }
}

export const jwksChecks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.jwks.host-loopback-refused',
    title: 'A host whose JWKS URL is a loopback http address is not registered and its JWKS is not fetched',
    area: 'key-rotation',
    requirements: ['AAP-8.12-01', 'AAP-8.12-03', 'AAP-4.2-08'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      noteReachability(t);
      const host = await t.client.newHost({ kid: HOST_KID });
      const served = await LoopbackJwks.serve(jwks(host.keys));
      try {
        const registration = await t.client.register(host, {}, { hostJwksUrl: served.url, includeHostPublicKey: false });
        t.expect(served.fetches.length === 0, `register with host_jwks_url ${served.url}: the server fetched it (§8.12: no loopback addresses, no plain http)`);
        t.expect(
          isRefusal(registration),
          `register with host_jwks_url ${served.url}: expected a refusal (§8.12, RUL-JWKS-LOOPBACK), got ${describe(registration)}`,
        );
      } finally {
        await served.close();
      }
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
      noteReachability(t);
      const { host } = await t.client.linkedHost();
      const agentKeys = await t.client.newAgentKeys({ kid: AGENT_KID });
      const served = await LoopbackJwks.serve(jwks(agentKeys));
      try {
        const registration = await t.client.register(
          host,
          { agentKeys, capabilities: [syncCapability(t)] },
          { agentPublicKey: undefined, agentJwksUrl: served.url, agentKid: AGENT_KID },
        );
        // A server might fetch lazily, at the agent's first request.
        if (registration.agent) await executeSync(t, registration.agent);
        t.expect(
          served.fetches.length === 0,
          `register with agent_jwks_url ${served.url} (answered ${describe(registration)}): the server fetched it (§8.12: no loopback addresses, no plain http)`,
        );
        if (!isRefusal(registration)) t.note(`the registration was accepted (${describe(registration)}) although its agent key cannot be fetched`);
      } finally {
        await served.close();
      }
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.rotation-picked-up',
    title: "A JWKS-based host's rotated key is picked up, and agent tokens naming the new thumbprint resolve through sub",
    area: 'key-rotation',
    requirements: ['AAP-5.9-08', 'AAP-8.7-02'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    async run(t: CheckContext) {
      t.skip(NO_JWKS_ALLOWANCE);
    },
  }),
  defineCheck({
    id: 'server.key-rotation.jwks.previous-identifier-grace',
    title: "After a JWKS host's key changes, the previous host identifier keeps working for a grace period",
    area: 'key-rotation',
    requirements: ['AAP-8.7-03'],
    level: 'SHOULD',
    rulings: ['RUL-JWKS-LOOPBACK'],
    async run(t: CheckContext) {
      t.skip(NO_JWKS_ALLOWANCE);
    },
  }),
];
