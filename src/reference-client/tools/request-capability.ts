import type { CapabilityRequestItem } from '../../protocol/index.ts';
import { grantsVerdict } from '../approval.ts';
import { providerOf, requireConnection, type ClientContext } from '../context.ts';
import type { Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';
import { availableCapabilities } from './capabilities.ts';
import { followApproval } from './follow-approval.ts';
import { requestedNames, sendableItems } from './names.ts';
import { applyView, grantsOf, mergeGrants, withConstraintWarnings } from './views.ts';

export interface RequestCapabilityArgs {
  agent_id: string;
  capabilities: CapabilityRequestItem[];
  reason?: string;
  preferred_method?: string;
  login_hint?: string;
  binding_message?: string;
}

/**
 * §6.6: posts the escalation with the agent JWT (aud = issuer) and every forwarded field; granted
 * at once, the new grants come back with their details; pending, the approval is followed by polling
 * status until each requested grant is decided, and the agent status with those grants comes back.
 */
export async function requestCapability(
  ctx: ClientContext,
  args: RequestCapabilityArgs,
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  const f = ctx.faults;
  const connection = requireConnection(ctx, args.agent_id);
  const provider = await providerOf(ctx, connection);
  const capabilities = sendableItems(ctx, args.capabilities);
  const body: Record<string, unknown> = { capabilities };
  if (args.reason !== undefined) body.reason = args.reason;
  if (args.preferred_method !== undefined) body.preferred_method = args.preferred_method;
  if (args.login_hint !== undefined && !f.has('escalation-drops-login-hint')) body.login_hint = args.login_hint;
  if (args.binding_message !== undefined) body.binding_message = args.binding_message;

  const answer = await ctx.api.requestCapability(provider, connection, body);
  if (answer.status < 200 || answer.status >= 300 || !isRecord(answer.json)) {
    const error = errorFromAnswer(answer, `capability request at ${provider.name}`, { agent_id: connection.agentId });
    // §6.6 step 4: name the unknown capabilities, with the ones on offer (SHOULD).
    if (error.code === 'invalid_capabilities')
      error.details.available_capabilities = await availableCapabilities(ctx, provider);
    throw error;
  }
  const grants = grantsOf(answer.json);
  mergeGrants(connection, grants);
  await ctx.connections.save(connection);
  const names = requestedNames(capabilities);
  const result = (status: string, requested: Record<string, unknown>[]) => ({
    agent_id: connection.agentId,
    status,
    agent_capability_grants: requested,
  });

  const pending = grants.some((grant) => grant.status === 'pending');
  if (!pending || answer.json.approval === undefined) {
    return withConstraintWarnings(ctx, result(connection.status, grants), args.capabilities, grants, reporter);
  }
  if (f.has('escalation-not-followed')) return { ...result(connection.status, grants), approval: answer.json.approval };

  const followed = await followApproval(ctx, {
    provider,
    connection,
    approval: answer.json.approval,
    judge: grantsVerdict(names),
    reporter,
    later: async (outcome) => {
      if (outcome.kind === 'settled') applyView(connection, outcome.view);
      await ctx.connections.save(connection);
      await ctx.background.notify(`The capability request of agent ${connection.agentId} ended: ${outcome.kind}.`, {
        agent_id: connection.agentId,
      });
    },
  });
  if (followed.kind === 'waiting') {
    return {
      ...result(connection.status, grants),
      approval: followed.approval,
      message: 'The request is still pending; the client keeps polling (see agent_status).',
    };
  }
  const { outcome, approval } = followed;
  switch (outcome.kind) {
    case 'settled': {
      applyView(connection, outcome.view);
      await ctx.connections.save(connection);
      const decided = requestedOnly(connection, names);
      return withConstraintWarnings(
        ctx,
        { ...result(connection.status, decided), approval },
        args.capabilities,
        decided,
        reporter,
      );
    }
    case 'rejected':
      throw new ToolError('access_denied', `the user denied the capability request of agent ${connection.agentId}`, {
        agent_id: connection.agentId,
        approval,
      });
    case 'expired':
      throw new ToolError('expired_token', `the approval of the capability request expired before the user decided`, {
        agent_id: connection.agentId,
        agent_capability_grants: requestedOnly(connection, names),
        approval,
      });
    case 'failed':
      outcome.error.details.agent_id = connection.agentId;
      throw outcome.error;
  }
}

function requestedOnly(connection: Connection, names: readonly string[]): Record<string, unknown>[] {
  return connection.grants.filter((grant) => names.includes(String(grant.capability)));
}
