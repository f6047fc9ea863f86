import type { CapabilityCatalog } from './capabilities.ts';
import type { SimClock } from './clock.ts';
import type { FaultSet } from './faults.ts';
import type { JwksFetcher } from './jwks-fetch.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { ResolvedOptions } from './options.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Recorder } from './recorder.ts';
import type { ReplayCache } from './replay-cache.ts';
import type { Store } from './store.ts';

/** Everything a request handler of one simulator instance needs. */
export interface SimContext {
  /**
   * The issuer URL: the origin, as the simulator serves at the root of its port, except in client
   * mode, which may give it a path (client-mode/context.ts) and removes that path before routing.
   */
  readonly issuer: string;
  readonly origin: string;
  /** issuer + the execute path: the audience of execution tokens (§5.1, §4.3). */
  readonly defaultLocation: string;
  readonly discoveryUrl: string;
  readonly options: ResolvedOptions;
  readonly clock: SimClock;
  readonly store: Store;
  readonly catalog: CapabilityCatalog;
  readonly faults: FaultSet;
  readonly lifecycle: Lifecycle;
  readonly replay: ReplayCache;
  readonly jwks: JwksFetcher;
  /** Records every exchange; absent when the embedding code records by itself. */
  readonly recorder: Recorder | undefined;
  readonly rateLimiter: RateLimiter | undefined;
}

/** Endpoint paths relative to the issuer (§5.1). */
export const ENDPOINTS = {
  register: '/agent/register',
  capabilities: '/capability/list',
  describe_capability: '/capability/describe',
  execute: '/capability/execute',
  request_capability: '/agent/request-capability',
  status: '/agent/status',
  reactivate: '/agent/reactivate',
  revoke: '/agent/revoke',
  revoke_host: '/host/revoke',
  rotate_key: '/agent/rotate-key',
  rotate_host_key: '/host/rotate-key',
  introspect: '/agent/introspect',
} as const;

/** Prefix of async status URLs; the job id follows. */
export const ASYNC_STATUS_PATH = '/capability/status';
/** Where device-authorization users would go to approve (§7.1). */
export const DEVICE_PATH = '/device';
/** Base path of the operator control API. */
export const CONTROL_PATH = '/__control';
