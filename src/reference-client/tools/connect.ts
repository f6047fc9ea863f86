import { generateEd25519KeyPair, type Ed25519KeyPair } from '../../jose/index.ts';
import type { AgentMode, CapabilityRequestItem } from '../../protocol/index.ts';
import { agentVerdict, type ApprovalOutcome } from '../approval.ts';
import type { ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import type { HttpAnswer } from '../http.ts';
import type { Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';
import { availableCapabilities } from './capabilities.ts';
import { followApproval, type Followed } from './follow-approval.ts';
import { sendableItems } from './names.ts';
import { agentResult, applyView, grantsOf, withConstraintWarnings } from './views.ts';

export interface ConnectArgs {
  provider: string;
  name?: string;
  capabilities?: CapabilityRequestItem[];
  mode?: AgentMode;
  reason?: string;
  preferred_method?: string;
  login_hint?: string;
  binding_message?: string;
}

/** The one agent key every registration uses under the reuses-agent-key fault. */
const sharedKeys = new WeakMap<ClientContext, Ed25519KeyPair>();
let generatedNames = 0;

/**
 * §6.4: discovers the provider if needed, makes a new agent key pair, registers with a host JWT
 * carrying its public key and every forwarded field, and follows a pending registration through its
 * approval. The connection is stored once the agent is active; a denied or expired approval is
 * reported and never retried by the client itself (§7.1).
 */
export async function connectAgent(
  ctx: ClientContext,
  args: ConnectArgs,
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  const provider = await ctx.providers.resolve(args.provider);
  // Ed25519 is the only key type there is (§4.1); a provider that stops listing it is not silently used (§8.16).
  if (!provider.document.algorithms.includes('Ed25519')) {
    throw new ToolError(
      'unsupported_algorithm',
      `${provider.name} does not list Ed25519 among its algorithms, the only key type this client has`,
      {
        algorithms: provider.document.algorithms,
      },
    );
  }
  return register(ctx, provider, args, reporter, false);
}

async function register(
  ctx: ClientContext,
  provider: Provider,
  args: ConnectArgs,
  reporter: Reporter,
  isRetry: boolean,
): Promise<Record<string, unknown>> {
  const body = registrationBody(ctx, args);
  let keys = await agentKeys(ctx);
  let answer = await ctx.api.register(provider, body, keys);
  if (answer.status === 409 && codeOf(answer) === 'agent_exists') {
    // §5.3: a new registration attempt gets a new agent key pair.
    keys = await agentKeys(ctx);
    answer = await ctx.api.register(provider, body, keys);
  }
  if (answer.status < 200 || answer.status >= 300) throw await registrationError(ctx, provider, answer);
  const json = answer.json;
  if (!isRecord(json) || typeof json.agent_id !== 'string' || typeof json.status !== 'string') {
    throw new ToolError('invalid_response', `${provider.name} answered the registration without agent_id and status`);
  }
  const connection: Connection = {
    agentId: json.agent_id,
    name: typeof json.name === 'string' ? json.name : String(body.name),
    mode: json.mode === 'autonomous' || json.mode === 'delegated' ? json.mode : (args.mode ?? 'delegated'),
    status: json.status,
    serviceUrl: provider.serviceUrl,
    issuer: provider.issuer,
    providerName: provider.name,
    keys,
    grants: grantsOf(json),
  };
  if (typeof json.host_id === 'string') connection.hostId = json.host_id;

  if (json.status === 'active') {
    await ctx.connections.save(connection, { persist: true });
    return withConstraintWarnings(
      ctx,
      agentResult(connection, provider),
      args.capabilities,
      connection.grants,
      reporter,
    );
  }
  if (json.status !== 'pending')
    throw new ToolError('invalid_response', `${provider.name} answered the registration with status ${json.status}`);

  // Kept in memory while pending, so agent_status can follow it; stored once approved.
  await ctx.connections.save(connection);
  let followed: Followed;
  try {
    followed = await followApproval(ctx, {
      provider,
      connection,
      approval: json.approval,
      judge: agentVerdict,
      reporter,
      later: (outcome) => settleLater(ctx, connection, outcome),
    });
  } catch (error) {
    await forget(ctx, connection, 'pending');
    if (error instanceof ToolError) error.details.agent_id = connection.agentId;
    throw error;
  }
  if (followed.kind === 'waiting') {
    return {
      ...agentResult(connection, provider),
      status: 'pending',
      approval: followed.approval,
      message:
        'The approval is still pending; the client keeps polling and the agent becomes usable once approved (see agent_status).',
    };
  }
  const { outcome, approval } = followed;
  switch (outcome.kind) {
    case 'settled':
      applyView(connection, outcome.view);
      await ctx.connections.save(connection, { persist: true });
      return withConstraintWarnings(
        ctx,
        { ...agentResult(connection, provider), approval },
        args.capabilities,
        connection.grants,
        reporter,
      );
    case 'rejected':
      await forget(ctx, connection, 'rejected');
      if (ctx.faults.has('re-registers-after-denial') && !isRetry) return register(ctx, provider, args, reporter, true);
      throw new ToolError(
        'access_denied',
        `the user denied the registration of agent ${connection.agentId}; the client does not retry it`,
        {
          agent_id: connection.agentId,
          status: 'rejected',
          approval,
        },
      );
    case 'expired':
      await forget(ctx, connection, 'pending');
      throw new ToolError(
        'expired_token',
        `the approval for agent ${connection.agentId} expired before the user decided`,
        {
          agent_id: connection.agentId,
          status: 'pending',
          approval,
        },
      );
    case 'failed':
      await forget(ctx, connection, connection.status);
      outcome.error.details.agent_id = connection.agentId;
      throw outcome.error;
  }
}

function registrationBody(ctx: ClientContext, args: ConnectArgs): Record<string, unknown> {
  const f = ctx.faults;
  const body: Record<string, unknown> = {
    name:
      args.name === undefined || f.has('drops-name')
        ? `Agent on ${ctx.config.hostName} #${++generatedNames}`
        : args.name,
    host_name: ctx.config.hostName,
  };
  if (args.capabilities !== undefined)
    body.capabilities = sendableItems(ctx, args.capabilities, {
      dropConstraints: f.has('drops-capability-constraints'),
    });
  if (args.mode !== undefined && !f.has('drops-mode')) body.mode = args.mode;
  if (args.reason !== undefined && !f.has('drops-reason')) body.reason = args.reason;
  if (args.preferred_method !== undefined && !f.has('drops-preferred-method'))
    body.preferred_method = args.preferred_method;
  if (args.login_hint !== undefined && !f.has('drops-login-hint')) body.login_hint = args.login_hint;
  if (args.binding_message !== undefined && !f.has('drops-binding-message'))
    body.binding_message = args.binding_message;
  return body;
}

/** A fresh Ed25519 key pair for every registration (§6.4 step 2). */
async function agentKeys(ctx: ClientContext): Promise<Ed25519KeyPair> {
  if (!ctx.faults.has('reuses-agent-key')) return generateEd25519KeyPair();
  const shared = sharedKeys.get(ctx) ?? (await generateEd25519KeyPair());
  sharedKeys.set(ctx, shared);
  return shared;
}

/**
 * invalid_capabilities names the unknown capabilities (§6.4 step 7) and comes with the capabilities
 * the provider offers (SHOULD), so the agent can correct itself without another call.
 */
async function registrationError(ctx: ClientContext, provider: Provider, answer: HttpAnswer): Promise<ToolError> {
  const error = errorFromAnswer(answer, `registration at ${provider.name}`);
  if (error.code !== 'invalid_capabilities') return error;
  if (ctx.faults.has('swallows-invalid-capabilities')) {
    return new ToolError('registration_failed', `${provider.name} refused the registration`, {
      http_status: answer.status,
    });
  }
  error.details.available_capabilities = await availableCapabilities(ctx, provider);
  return error;
}

/** Ends a connection that never became usable: its key is dropped, only its record stays for agent_status. */
async function forget(ctx: ClientContext, connection: Connection, status: string): Promise<void> {
  delete connection.keys;
  connection.status = status;
  await ctx.connections.save(connection);
}

/** Applies an approval outcome that arrived after connect_agent returned `pending`. */
async function settleLater(ctx: ClientContext, connection: Connection, outcome: ApprovalOutcome): Promise<void> {
  if (outcome.kind === 'settled') {
    applyView(connection, outcome.view);
    await ctx.connections.save(connection, { persist: true });
    await ctx.background.notify(`Agent ${connection.agentId} was approved and is ${connection.status}.`, {
      agent_id: connection.agentId,
      status: connection.status,
    });
    return;
  }
  const status = outcome.kind === 'rejected' ? 'rejected' : connection.status;
  await forget(ctx, connection, status);
  const what =
    outcome.kind === 'rejected'
      ? 'was denied'
      : outcome.kind === 'expired'
        ? 'expired'
        : `failed (${outcome.error.message})`;
  await ctx.background.notify(`The approval of agent ${connection.agentId} ${what}; the agent is not connected.`, {
    agent_id: connection.agentId,
    status,
  });
}

function codeOf(answer: HttpAnswer): unknown {
  return isRecord(answer.json) ? answer.json.error : undefined;
}
