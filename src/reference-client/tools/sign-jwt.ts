import { providerOf, requireConnection, type ClientContext } from '../context.ts';
import type { Connection } from '../state.ts';
import { ToolError, isRecord } from '../tool-error.ts';
import { applyView } from './views.ts';

export interface SignJwtArgs {
  agent_id: string;
  aud?: string;
  capabilities?: string[];
}

/**
 * §6.5: a raw agent JWT for the agent's own use. The key never leaves the client (§4.1); only the
 * token does. aud defaults to the issuer; a capabilities restriction must stay within the agent's
 * active grants (checked against the server's status once when the local view lacks one).
 */
export async function signJwt(ctx: ClientContext, args: SignJwtArgs): Promise<Record<string, unknown>> {
  const connection = requireConnection(ctx, args.agent_id);
  const provider = await providerOf(ctx, connection);
  if (args.capabilities !== undefined && !ctx.faults.has('sign-jwt-unchecked-capabilities')) {
    let missing = notGranted(connection, args.capabilities);
    if (missing.length > 0) {
      const answer = await ctx.api.status(provider, connection);
      if (answer.status === 200 && isRecord(answer.json)) {
        applyView(connection, answer.json);
        await ctx.connections.save(connection);
      }
      missing = notGranted(connection, args.capabilities);
    }
    if (missing.length > 0) {
      throw new ToolError(
        'capability_not_granted',
        `agent ${connection.agentId} holds no active grant for: ${missing.join(', ')}`,
        {
          not_granted: missing,
        },
      );
    }
  }
  const { token, iat, exp } = await ctx.tokens.agentJwt(connection, args.aud ?? provider.issuer, args.capabilities);
  return { token, expires_in: ctx.faults.has('sign-jwt-expires-in-absolute') ? exp : exp - iat };
}

function notGranted(connection: Connection, capabilities: readonly string[]): string[] {
  const active = new Set(
    connection.grants.filter((grant) => grant.status === 'active').map((grant) => grant.capability),
  );
  return capabilities.filter((name) => !active.has(name));
}
