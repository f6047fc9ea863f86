import type { ControlOperations } from '../control-routes.ts';
import { ProtocolError } from '../errors.ts';
import type { SimContext } from '../sim-context.ts';
import type { AgentRecord, HostRecord } from '../store.ts';
import type { Target } from './attribution.ts';

/**
 * What the operator does to the agent (and its host) a request concerns: approve or deny what it
 * waits for, make its session lapse, revoke it, or revoke its host with every agent under it.
 */
export type ClientModeAction = { op: 'approve' | 'deny' | 'expire-agent' | 'revoke-agent' | 'revoke-host' };

/** An action as performed: on whom, and `done` or the error code that stopped it. */
export interface OperatorNote {
  op: ClientModeAction['op'];
  agentId?: string;
  hostId?: string;
  outcome: string;
}

/**
 * Performs `action` in-process with the control API's own operations (same checks, e.g. 409
 * nothing_pending); a failure is reported in the note, never thrown.
 */
export function perform(
  ctx: SimContext,
  operations: ControlOperations,
  action: ClientModeAction,
  target: Target,
): OperatorNote {
  const agent = target.agent;
  const host = target.host ?? (agent === undefined ? undefined : ctx.store.hosts.get(agent.hostId));
  const note: OperatorNote = {
    op: action.op,
    ...(agent !== undefined && { agentId: agent.id }),
    ...(host !== undefined && { hostId: host.id }),
    outcome: 'done',
  };
  try {
    run(ctx, operations, action, agent, host);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    note.outcome = error.code;
  }
  return note;
}

function run(
  ctx: SimContext,
  operations: ControlOperations,
  action: ClientModeAction,
  agent: AgentRecord | undefined,
  host: HostRecord | undefined,
): void {
  if (action.op === 'revoke-host') {
    if (host === undefined) throw new ProtocolError(404, 'host_not_found', 'No host to act on');
    operations['revoke-host']({ host_id: host.id });
    return;
  }
  if (agent === undefined) throw new ProtocolError(404, 'agent_not_found', 'No agent to act on');
  switch (action.op) {
    case 'approve':
      operations.approve({ agent_id: agent.id });
      return;
    case 'deny':
      operations.deny({ agent_id: agent.id });
      return;
    case 'expire-agent':
      operations['expire-agent']({ agent_id: agent.id, clock: 'session' });
      return;
    case 'revoke-agent':
      // Not a control operation: what POST /agent/revoke does once the host is verified (§5.7).
      ctx.lifecycle.revokeAgent(ctx.lifecycle.refresh(agent));
      return;
  }
}
