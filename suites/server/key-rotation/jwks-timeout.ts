import {
  defineCheck,
  describeAnswer,
  sleep,
  type CheckContext,
  type CheckDefinition,
  type JwksFetch,
} from '../../../src/harness/api.ts';
import { expectRegistrationRefused, newJwksHost, requireLoopbackAllowance } from './fixtures.ts';

/**
 * How long after its fetch began the server may keep a stalled JWKS connection open. §8.12 suggests
 * five seconds each for connecting and reading; twice that leaves room for a server's own margin.
 */
const STALL_BOUND_MS = 10_000;
const WATCH_INTERVAL_MS = 100;

/** Waits until the server drops the stalled fetch or the bound after the fetch's start has passed. */
async function awaitAbandonment(fetch: JwksFetch): Promise<number | undefined> {
  const began = Date.parse(fetch.at);
  while (fetch.abandonedAt === undefined && Date.now() - began < STALL_BOUND_MS) await sleep(WATCH_INTERVAL_MS);
  return fetch.abandonedAt === undefined ? undefined : Date.parse(fetch.abandonedAt) - began;
}

/** Server-side JWKS fetches give up on a URL that never answers (§8.12 timeouts). */
export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.jwks.fetch-timeout',
    title: 'A registration whose host JWKS URL never answers fails within ten seconds instead of hanging',
    area: 'key-rotation',
    requirements: ['AAP-8.12-06'],
    level: 'MUST',
    rulings: ['RUL-JWKS-LOOPBACK'],
    needs: [{ endpoint: 'register' }],
    // The registration may take the whole per-request deadline, then the stalled fetch is watched up to the bound.
    timeoutMs: 25_000,
    async run(t: CheckContext) {
      requireLoopbackAllowance(t);
      const { host, published } = await newJwksHost(t);
      published.stall();
      const registration = await t.client.register(host);
      const fetch = published.fetches[0];
      if (fetch === undefined) {
        if (typeof registration.json?.agent_id === 'string') {
          t.fail(
            `register with a host_jwks_url that never answers: the server registered the host without fetching ${published.url}, so it cannot have verified the host JWT (§4.5.1), got ${describeAnswer(registration)}`,
          );
        }
        t.skip(
          `the server answered ${describeAnswer(registration)} without fetching ${published.url}, so its fetch timeout cannot be observed`,
        );
      }
      const abandonedAfterMs = await awaitAbandonment(fetch);
      const what = 'register with a host_jwks_url that accepts the connection and never answers';
      if (registration.error?.kind === 'timeout') {
        // The harness's own per-request deadline ended first; the server's side of the stalled fetch still shows its timeout.
        t.expect(
          abandonedAfterMs !== undefined,
          `${what}: no answer within the harness's request deadline (${registration.error.message}), and the server still held its connection to ${published.url} open ${STALL_BOUND_MS / 1000} s after the fetch began (§8.12: connect and read timeouts, e.g. 5 s each)`,
        );
        t.note(
          `the harness stopped waiting for the registration first (${registration.error.message}); the server dropped its JWKS fetch ${abandonedAfterMs} ms after it began. A longer --timeout shows the registration's own answer`,
        );
        return;
      }
      t.expect(!registration.error, `${what}: no answer (${describeAnswer(registration)})`);
      expectRegistrationRefused(
        t,
        registration,
        what,
        '§8.12: the fetch times out, so the host key cannot be obtained',
      );
      t.expect(
        registration.exchange.duration_ms <= STALL_BOUND_MS,
        `${what}: the refusal came only after ${registration.exchange.duration_ms} ms (§8.12: connect and read timeouts, e.g. 5 s each)`,
      );
      t.note(
        `refused after ${registration.exchange.duration_ms} ms; ${abandonedAfterMs === undefined ? `the server's connection to the JWKS URL was still open ${STALL_BOUND_MS / 1000} s after the fetch began` : `the server dropped its JWKS fetch ${abandonedAfterMs} ms after it began`}`,
      );
    },
  }),
];
