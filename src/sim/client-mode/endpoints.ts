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
 * (anything reaching it is a request the client should not have sent), and the location of a
 * capability executed on an origin of its own.
 */
export type ListenerName = 'sim' | 'foreign' | 'location';

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
