import { defineCheck, jwks, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectRegistered } from '../_shared/registration.ts';
import { newJwksHost, requireLoopbackAllowance } from './fixtures.ts';

/** The cache lifetime the served key set announces: an hour, well inside the 24 h upper bound of §8.12. */
const MAX_AGE_SECONDS = 3600;
/** Consecutive host requests after the setup; together they may cause one fetch at most. */
const PROBES = 2;

/** Server-side JWKS caching following the document's cache headers (§8.12). */
export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.jwks.cache-control-honoured',
    title: `A host JWKS served with Cache-Control max-age=${MAX_AGE_SECONDS} is not fetched again for each host request`,
    area: 'key-rotation',
    requirements: ['AAP-8.12-19'],
    level: 'SHOULD',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      requireLoopbackAllowance(t);
      const { host, published } = await newJwksHost(t);
      published.replace(jwks(host.keys), { 'cache-control': `public, max-age=${MAX_AGE_SECONDS}` });
      const registration = await t.client.register(host, { capabilities: [t.capability('sync')] });
      const agent = expectRegistered(
        t,
        registration,
        'precondition: register under a JWKS-keyed host (host_jwks_url + kid, §4.2)',
        published,
      );
      if (registration.json?.status === 'pending') await t.client.approve(agent);
      const before = published.fetches.length;
      for (let probe = 1; probe <= PROBES; probe += 1) await readStatus(t, agent, {}, `status ${probe} of ${PROBES}`);
      const fetched = published.fetches.length - before;
      t.note(
        `${published.url} was fetched ${published.fetches.length} time(s) in all, ${fetched} during ${PROBES} consecutive status reads`,
      );
      t.expect(
        fetched <= 1,
        `the server fetched ${published.url} ${fetched} times for ${PROBES} consecutive host requests although the document allows caching it for ${MAX_AGE_SECONDS} s (§8.12: cache JWKS responses per their cache headers)`,
      );
    },
  }),
];
