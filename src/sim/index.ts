import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { DISCOVERY_PATH } from '../protocol/index.ts';
import { CapabilityCatalog } from './capabilities.ts';
import { createSimClock, type SimClock } from './clock.ts';
import { CONTROL_PATH, ENDPOINTS, type SimContext } from './sim-context.ts';
import { FaultSet } from './faults.ts';
import { JwksFetcher } from './jwks-fetch.ts';
import { Lifecycle } from './lifecycle.ts';
import { CLOCK_SKEW_SECONDS, resolveOptions, type SimulatorOptions } from './options.ts';
import { RateLimiter } from './rate-limit.ts';
import { Recorder } from './recorder.ts';
import { ReplayCache } from './replay-cache.ts';
import { createApp } from './server.ts';
import { Store } from './store.ts';

export type { SimClock } from './clock.ts';
export type { SimulatorOptions, RateLimitOptions } from './options.ts';
export type { RecordedExchange, Recorder } from './recorder.ts';
export { FAULTS, FAULT_NAMES, isFaultName, type FaultDefinition, type FaultName } from './faults.ts';
export { SIMULATOR_PROFILE } from './sim-profile.ts';
export { CONTROL_CONTRACT } from './control-routes.ts';

export interface RunningSimulator {
  /** The issuer URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  issuer: string;
  /** scheme://host:port of the simulator. */
  origin: string;
  /** Base URL of the operator control API. */
  controlUrl: string;
  port: number;
  clock: SimClock;
  recorder: Recorder;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/** Starts a simulated Agent Auth server on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const clock = options.clock ?? createSimClock();
  const faults = new FaultSet(resolved.faults);
  const store = new Store();
  const recorder = new Recorder();
  let app: ReturnType<typeof createApp> | undefined;

  const server = serve({
    fetch: (request, env) => app!.fetch(request, env),
    port: resolved.port,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  const ctx: SimContext = {
    issuer: origin,
    origin,
    defaultLocation: `${origin}${ENDPOINTS.execute}`,
    discoveryUrl: `${origin}${DISCOVERY_PATH}`,
    options: resolved,
    clock,
    store,
    catalog: new CapabilityCatalog(),
    faults,
    lifecycle: new Lifecycle(store, clock, resolved, faults),
    replay: new ReplayCache(clock, faults.has('short-replay-cache') ? 0 : CLOCK_SKEW_SECONDS),
    jwks: new JwksFetcher(clock, {
      allowLoopback: resolved.allowLoopbackJwks,
      unprotected: faults.has('jwks-fetch-unprotected'),
    }),
    recorder,
    rateLimiter: resolved.rateLimit === undefined ? undefined : new RateLimiter(clock, resolved.rateLimit),
  };
  app = createApp(ctx);

  let stopped: Promise<void> | undefined;
  return {
    issuer: ctx.issuer,
    origin,
    controlUrl: `${origin}${CONTROL_PATH}`,
    port,
    clock,
    recorder,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return stopped;
    },
  };
}
