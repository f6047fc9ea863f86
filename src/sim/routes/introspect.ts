import type { Hono } from 'hono';
import { IntrospectRequestSchema } from '../../protocol/index.ts';
import { isoTime } from '../clock.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { ProtocolError } from '../errors.ts';
import { jsonBody, validate, type SimEnv } from '../sim-http.ts';
import { verifyAgentJwt } from '../verify-agent-jwt.ts';
import { compactGrantView } from '../views.ts';

/**
 * POST /agent/introspect (§5.12): full agent verification without using the token up; any failure
 * is `{ active: false }`. Tokens for the issuer or the default location are accepted.
 */
export function registerIntrospectRoute(app: Hono<SimEnv>, ctx: SimContext): void {
  app.post(ENDPOINTS.introspect, async (c) => {
    const { token } = validate(IntrospectRequestSchema, jsonBody(c), 'introspection request');
    try {
      const { agent, capabilities } = await verifyAgentJwt(ctx, `Bearer ${token}`, {
        audiences: [ctx.issuer, ctx.defaultLocation],
        consumeJti: false,
        touch: false,
        ignoreRevocation: ctx.faults.has('introspect-ignores-revocation'),
        endpoint: 'introspect',
      });
      const grants = agent.grants
        .filter((grant) => grant.status === 'active')
        .filter((grant) => capabilities === undefined || capabilities.includes(grant.capability));
      const expiresAt = ctx.lifecycle.expiresAt(agent);
      return c.json({
        active: true,
        agent_id: agent.id,
        host_id: agent.hostId,
        ...(agent.userId !== undefined && { user_id: agent.userId }),
        agent_capability_grants: grants.map(compactGrantView),
        mode: agent.mode,
        ...(expiresAt !== undefined && { expires_at: isoTime(expiresAt) }),
      });
    } catch (error) {
      if (error instanceof ProtocolError) return c.json({ active: false });
      throw error;
    }
  });
}
