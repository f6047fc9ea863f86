import { DISCOVERY_PATH } from '../../protocol/index.ts';
import { ASYNC_STATUS_PATH, ENDPOINTS } from '../sim-context.ts';

/** The simulator endpoints a client request can target. */
export type SimEndpoint =
  | 'discovery'
  | 'list'
  | 'describe'
  | 'register'
  | 'status'
  | 'request-capability'
  | 'reactivate'
  | 'revoke'
  | 'execute'
  | 'status-url'
  | 'location-execute'
  | 'introspect'
  | 'rotate-key'
  | 'revoke-host'
  | 'rotate-host-key';

/**
 * The listeners of one client scenario: the simulated server, a foreign origin that only records
 * (anything reaching it is a request the client should not have sent), the location of a
 * capability executed on an origin of its own, and, when the scenario asks, origins serving only the
 * discovery document over a transport a client must refuse (extra-listeners.ts).
 */
export type ListenerName = 'sim' | 'foreign' | 'location' | 'plain-http' | 'untrusted-tls';

/** Path of the execute endpoint on the location listener (the shape of the §2.12 example). */
export const LOCATION_EXECUTE_PATH = '/agent/execute';

const BY_PATH: ReadonlyMap<string, SimEndpoint> = new Map<string, SimEndpoint>([
  [DISCOVERY_PATH, 'discovery'],
  [ENDPOINTS.capabilities, 'list'],
  [ENDPOINTS.describe_capability, 'describe'],
  [ENDPOINTS.register, 'register'],
  [ENDPOINTS.status, 'status'],
  [ENDPOINTS.request_capability, 'request-capability'],
  [ENDPOINTS.reactivate, 'reactivate'],
  [ENDPOINTS.revoke, 'revoke'],
  [ENDPOINTS.execute, 'execute'],
  [ENDPOINTS.introspect, 'introspect'],
  [ENDPOINTS.rotate_key, 'rotate-key'],
  [ENDPOINTS.revoke_host, 'revoke-host'],
  [ENDPOINTS.rotate_host_key, 'rotate-host-key'],
]);

/**
 * Which endpoint a request targets, by listener and path alone: the method is recorded, not judged.
 * The foreign listener uses the simulator's paths, so a status URL followed there reads as one.
 */
export function endpointOf(listener: ListenerName, path: string): SimEndpoint | 'other' {
  if (listener === 'location') return path === LOCATION_EXECUTE_PATH ? 'location-execute' : 'other';
  if (path.startsWith(`${ASYNC_STATUS_PATH}/`)) return 'status-url';
  return BY_PATH.get(path) ?? 'other';
}

/** How a request to a listener maps onto the simulator. */
export interface Route {
  /** The endpoint recorded for the request. */
  endpoint: SimEndpoint | 'other';
  /** The path the listener's app serves it under; undefined when nothing is served there (404). */
  appPath: string | undefined;
}

/**
 * The route of a request when the issuer may have a path (`issuerPath`): every endpoint sits under
 * it and the simulator's app serves it with that path removed. Discovery is also served at the
 * origin's root and in the RFC 8414 form (`/.well-known/agent-configuration<issuer path>`), so where
 * a client looks for the document is never what a scenario about endpoint paths turns on; any other
 * path outside the issuer's is served nothing.
 */
export function routeOf(listener: ListenerName, path: string, issuerPath: string | undefined): Route {
  if (listener !== 'sim' || issuerPath === undefined) return { endpoint: endpointOf(listener, path), appPath: path };
  if (path === DISCOVERY_PATH || path === `${DISCOVERY_PATH}${issuerPath}`)
    return { endpoint: 'discovery', appPath: DISCOVERY_PATH };
  if (!path.startsWith(`${issuerPath}/`)) return { endpoint: endpointOf(listener, path), appPath: undefined };
  const inner = path.slice(issuerPath.length);
  return { endpoint: endpointOf(listener, inner), appPath: inner };
}
