import { DISCOVERY_PATH } from '../protocol/index.ts';
import { CapabilityCatalog, DEMO_CAPABILITIES } from './capabilities.ts';
import type { SimClock } from './clock.ts';
import { FaultSet } from './faults.ts';
import { JwksFetcher } from './jwks-fetch.ts';
import { Lifecycle } from './lifecycle.ts';
import { CLOCK_SKEW_SECONDS, type ResolvedOptions } from './options.ts';
import { RateLimiter } from './rate-limit.ts';
import type { Recorder } from './recorder.ts';
import { ReplayCache } from './replay-cache.ts';
import { ENDPOINTS, type SimContext } from './sim-context.ts';
import { Store } from './store.ts';

/** Fresh state of one simulator serving at `origin` (which is also its issuer). */
export function buildSimContext(
  origin: string,
  options: ResolvedOptions,
  clock: SimClock,
  recorder: Recorder | undefined,
): SimContext {
  const faults = new FaultSet(options.faults);
  const store = new Store();
  return {
    issuer: origin,
    origin,
    defaultLocation: `${origin}${ENDPOINTS.execute}`,
    discoveryUrl: `${origin}${DISCOVERY_PATH}`,
    options,
    clock,
    store,
    catalog: new CapabilityCatalog(
      DEMO_CAPABILITIES.map((capability) => ({
        ...capability,
        name: options.capabilityNames[capability.name] ?? capability.name,
      })),
    ),
    faults,
    lifecycle: new Lifecycle(store, clock, options, faults),
    replay: new ReplayCache(clock, faults.has('short-replay-cache') ? 0 : CLOCK_SKEW_SECONDS),
    jwks: new JwksFetcher(clock, {
      allowLoopback: options.allowLoopbackJwks,
      unprotected: faults.has('jwks-fetch-unprotected'),
    }),
    recorder,
    rateLimiter: options.rateLimit === undefined ? undefined : new RateLimiter(clock, options.rateLimit),
  };
}
