import { agentVerdict } from '../approval.ts';
import { providerOf, requireConnection, type ClientContext } from '../context.ts';
import type { Reporter } from '../reporter.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';
import { followApproval } from './follow-approval.ts';
import { applyView, grantsOf } from './views.ts';

export interface AgentIdArgs {
  agent_id: string;
}

/**
 * §6.9: GET /agent/status?agent_id= with the host JWT of the host that registered the agent; the
 * server's view comes back with the connection's health as the client sees it.
 */
export async function agentStatus(ctx: ClientContext, args: AgentIdArgs): Promise<Record<string, unknown>> {
  const connection = requireConnection(ctx, args.agent_id, { needsKey: false });
  const provider = await providerOf(ctx, connection);
  const answer = await ctx.api.status(provider, connection);
  if (answer.status !== 200 || !isRecord(answer.json))
    throw errorFromAnswer(answer, `agent status at ${provider.name}`, { agent_id: connection.agentId });
  applyView(connection, answer.json);
  await ctx.connections.save(connection);
  return {
    ...answer.json,
    connection: {
      provider: provider.name,
      issuer: provider.issuer,
      key_held: connection.keys !== undefined,
      approval_in_progress: ctx.flows.has(connection.agentId),
    },
  };
}

/**
 * §6.8: POST /agent/reactivate with the host JWT; active, the stored grants are replaced by the
 * answer's; pending, the approval is followed like a registration's.
 */
export async function reactivateAgent(
  ctx: ClientContext,
  args: AgentIdArgs,
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  const connection = requireConnection(ctx, args.agent_id);
  const provider = await providerOf(ctx, connection);
  const answer = await ctx.api.reactivate(provider, connection);
  if (answer.status < 200 || answer.status >= 300 || !isRecord(answer.json)) {
    throw errorFromAnswer(answer, `reactivation at ${provider.name}`, { agent_id: connection.agentId });
  }
  applyView(connection, answer.json);
  await ctx.connections.save(connection);
  const result = (view: Record<string, unknown>) => ({
    agent_id: connection.agentId,
    status: connection.status,
    agent_capability_grants: grantsOf(view),
    ...(typeof view.activated_at === 'string' && { activated_at: view.activated_at }),
    ...(typeof view.expires_at === 'string' && { expires_at: view.expires_at }),
  });
  if (answer.json.status !== 'pending') return result(answer.json);

  const followed = await followApproval(ctx, {
    provider,
    connection,
    approval: answer.json.approval,
    judge: agentVerdict,
    reporter,
    later: async (outcome) => {
      if (outcome.kind === 'settled') applyView(connection, outcome.view);
      await ctx.connections.save(connection);
      await ctx.background.notify(`The reactivation of agent ${connection.agentId} ended: ${outcome.kind}.`, {
        agent_id: connection.agentId,
      });
    },
  });
  if (followed.kind === 'waiting') return { ...result(answer.json), approval: followed.approval };
  const { outcome, approval } = followed;
  switch (outcome.kind) {
    case 'settled':
      applyView(connection, outcome.view);
      await ctx.connections.save(connection);
      return { ...result(outcome.view), approval };
    case 'rejected':
      throw new ToolError('access_denied', `the user denied the reactivation of agent ${connection.agentId}`, {
        agent_id: connection.agentId,
        approval,
      });
    case 'expired':
      throw new ToolError('expired_token', `the approval of the reactivation expired before the user decided`, {
        agent_id: connection.agentId,
        approval,
      });
    case 'failed':
      outcome.error.details.agent_id = connection.agentId;
      throw outcome.error;
  }
}

/**
 * §6.7: POST /agent/revoke with the host JWT, then the connection (key pair included) is removed.
 * Only a revocation the server accepted is confirmed; a failed one is an error and the connection
 * stays, so the agent can try again.
 */
export async function disconnectAgent(ctx: ClientContext, args: AgentIdArgs): Promise<Record<string, unknown>> {
  const f = ctx.faults;
  const connection = requireConnection(ctx, args.agent_id, { needsKey: false });
  const provider = await providerOf(ctx, connection);
  const answer = await ctx.api.revoke(provider, connection);
  const revoked = answer.status >= 200 && answer.status < 300;
  if (!revoked && !f.has('disconnect-reports-success-on-failure')) {
    throw errorFromAnswer(answer, `revoking agent ${connection.agentId} at ${provider.name}`, {
      agent_id: connection.agentId,
      disconnected: false,
    });
  }
  ctx.flows.cancel(connection.agentId);
  if (!f.has('disconnect-keeps-agent')) await ctx.connections.remove(connection.agentId);
  return { agent_id: connection.agentId, status: 'revoked', disconnected: true };
}
