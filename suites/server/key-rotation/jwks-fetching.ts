import { describeAnswer, errorCode, jwks, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { defineLoopbackJwksCheck, expectRegistrationRefused, jwksHostWithAgent, newJwksHost } from './fixtures.ts';

/** Redirects before the document: one more than §8.12 allows a server to follow. */
const REDIRECTS = 4;
/**
 * Size of an oversized JWKS body. §8.12 suggests a 1 MB cap; 16 MB leaves room for any cap a server
 * might reasonably choose for a key set.
 */
const OVERSIZED_BYTES = 16 * 1024 * 1024;

/** How the target fetches JWKS URLs: redirect and size limits, and unreachable URLs (§8.12, §10.4). */
export const checks: CheckDefinition[] = [
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.redirect-limit',
    title: `A host JWKS reached only after ${REDIRECTS} redirects is not fetched`,
    requirements: ['AAP-8.12-04'],
    level: 'MUST',
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      const { host, published } = await newJwksHost(t);
      const target = await t.jwks.publish('host', jwks(host.keys));
      const hops = [published];
      for (let hop = 1; hop < REDIRECTS; hop += 1) hops.push(await t.jwks.publish('host', { keys: [] }));
      for (const [index, from] of hops.entries()) from.redirectTo(hops[index + 1]?.url ?? target.url);
      const registration = await t.client.register(host);
      const followed = hops.filter((hop) => hop.fetches.length > 0).length - 1;
      t.expect(
        target.fetches.length === 0,
        `register with a host_jwks_url redirecting ${REDIRECTS} times: the server followed every redirect and fetched the document (§8.12: at most 3 redirects)`,
      );
      expectRegistrationRefused(
        t,
        registration,
        `register with a host_jwks_url redirecting ${REDIRECTS} times`,
        '§8.12: at most 3 redirects',
      );
      t.note(`the server followed ${Math.max(0, followed)} redirect(s) before giving up`);
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.size-limit',
    title: 'A host JWKS body of 16 MB is refused',
    requirements: ['AAP-8.12-05'],
    level: 'MUST',
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      const { host, published } = await newJwksHost(t);
      published.replace({ ...jwks(host.keys), padding: 'x'.repeat(OVERSIZED_BYTES) });
      const registration = await t.client.register(host);
      t.expect(!registration.error, `register with a 16 MB host JWKS: no answer (${describeAnswer(registration)})`);
      expectRegistrationRefused(
        t,
        registration,
        'register with a host JWKS whose body is 16 MB',
        '§8.12: response bodies are capped (e.g. 1 MB)',
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.unreachable-uses-cache',
    title: 'When a host JWKS URL becomes unreachable, keys fetched earlier keep authenticating the host',
    requirements: ['AAP-10.4-02'],
    level: 'SHOULD',
    needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { agent, published } = await jwksHostWithAgent(t);
      published.withdraw(503);
      await readStatus(
        t,
        agent,
        {},
        'status after the host JWKS URL started answering 503 (§10.4: use previously cached keys)',
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.unreachable-clear-error',
    title: 'A host whose JWKS URL is unreachable and not cached gets a clear error',
    requirements: ['AAP-10.4-03'],
    level: 'SHOULD',
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      const { host, published } = await newJwksHost(t);
      published.withdraw(503);
      const registration = await t.client.register(host);
      const clear =
        !registration.error &&
        registration.status >= 400 &&
        registration.status !== 500 &&
        errorCode(registration) !== undefined;
      t.expect(
        clear && typeof registration.json?.agent_id !== 'string',
        `register with a host_jwks_url answering 503: expected a refusal carrying a §5.13 error object (§10.4: a clear error), got ${describeAnswer(registration)}`,
      );
    },
  }),
];
