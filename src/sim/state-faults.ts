import type { FaultName, FaultSet } from './faults.ts';
import type { AgentRecord } from './store.ts';

/** The agent-authenticated endpoints whose state check a fault can weaken. */
export type StateCheckedEndpoint = 'execute' | 'request-capability' | 'introspect' | 'list';

/**
 * Faults that let an agent in one state through the state check (§4.5 step 6) of some endpoints
 * only: the single wrong cell of the state table each of them makes, for the state walk to find.
 */
const ADMITTED: readonly {
  fault: FaultName;
  status: AgentRecord['status'];
  endpoints: readonly StateCheckedEndpoint[];
}[] = [
  { fault: 'rejected-agent-authenticates', status: 'rejected', endpoints: ['execute', 'request-capability', 'list'] },
  { fault: 'claimed-agent-requests-capabilities', status: 'claimed', endpoints: ['request-capability'] },
  { fault: 'expired-agent-requests-capabilities', status: 'expired', endpoints: ['request-capability'] },
  { fault: 'introspect-expired-active', status: 'expired', endpoints: ['introspect'] },
  { fault: 'introspect-pending-active', status: 'pending', endpoints: ['introspect'] },
  { fault: 'pending-agent-lists-authenticated', status: 'pending', endpoints: ['list'] },
  { fault: 'revoked-agent-lists-authenticated', status: 'revoked', endpoints: ['list'] },
];

/** Whether an active fault admits an agent in `status` at `endpoint` despite its state. */
export function stateAdmitted(
  faults: FaultSet,
  status: AgentRecord['status'],
  endpoint?: StateCheckedEndpoint,
): boolean {
  if (endpoint === undefined) return false;
  return ADMITTED.some(
    (entry) => entry.status === status && entry.endpoints.includes(endpoint) && faults.has(entry.fault),
  );
}
