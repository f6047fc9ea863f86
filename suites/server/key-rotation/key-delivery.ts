import { defineCheck, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectAuthRefusal } from '../_shared/refusals.ts';
import { jwksHostWithAgent, requireLoopbackAllowance } from './fixtures.ts';

/** A JWKS URL that can never resolve (RFC 6761 `.invalid`), for tokens that only need to name one. */
const UNRESOLVABLE_JWKS_URL = 'https://host-keys.invalid/.well-known/jwks.json';

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.key-delivery.inline-host-presents-jwks-url',
    title: 'A host registered with an inline key is refused when its JWT presents a JWKS URL instead',
    area: 'key-rotation',
    requirements: ['AAP-8.7-06'],
    level: 'MUST',
    needs: [{ control: 'approve' }],
    async run(t: CheckContext) {
      const { agent } = await t.client.linkedHost();
      await readStatus(t, agent, {}, 'precondition: status with the inline host key');
      const result = await t.client.status(agent, {
        hostJwksUrl: UNRESOLVABLE_JWKS_URL,
        includeHostPublicKey: false,
        kid: 'conformance-host-key',
      });
      expectAuthRefusal(
        t,
        result,
        'status with a host JWT carrying host_jwks_url for an inline-key host',
        '§8.7: the key delivery mode is fixed at registration',
      );
      await readStatus(t, agent, {}, 'status with the inline host key afterwards');
    },
  }),
  defineCheck({
    id: 'server.key-rotation.key-delivery.jwks-host-presents-inline-key',
    title: 'A host registered with a JWKS URL is refused when its JWT carries the key inline instead',
    area: 'key-rotation',
    requirements: ['AAP-8.7-06'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      requireLoopbackAllowance(t);
      const { agent } = await jwksHostWithAgent(t);
      await readStatus(t, agent, {}, 'precondition: status with host_jwks_url');
      const result = await t.client.status(agent, { hostJwksUrl: undefined, includeHostPublicKey: true });
      expectAuthRefusal(
        t,
        result,
        'status with a host JWT carrying host_public_key for a JWKS-keyed host',
        '§8.7: the key delivery mode is fixed at registration',
      );
      await readStatus(t, agent, {}, 'status with host_jwks_url afterwards');
    },
  }),
];
