import type { Hono } from 'hono';
import { RequestCapabilityRequestSchema } from '../../protocol/index.ts';
import { issueGrant, openApproval } from '../approvals.ts';
import { readCapabilityRequests } from '../capability-requests.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { ProtocolError } from '../errors.ts';
import { jsonBody, validate, type SimEnv } from '../sim-http.ts';
import { verifyAgentJwt } from '../verify-agent-jwt.ts';
import { approvalView, grantView } from '../views.ts';

/** POST /agent/request-capability (§5.4): answers only the newly requested grants. */
export function registerRequestCapabilityRoute(app: Hono<SimEnv>, ctx: SimContext): void {
  app.post(ENDPOINTS.request_capability, async (c) => {
    const { agent, host } = await verifyAgentJwt(ctx, c.req.header('authorization'), {
      audiences: [ctx.issuer],
      endpoint: 'request-capability',
    });
    const request = validate(RequestCapabilityRequestSchema, jsonBody(c), 'capability request');
    const requested = readCapabilityRequests(ctx, request.capabilities);
    const isActive = (name: string) =>
      agent.grants.some((grant) => grant.capability === name && grant.status === 'active');
    const fresh = requested.filter((item) => !isActive(item.definition.name));
    if (fresh.length === 0) {
      throw new ProtocolError(409, 'already_granted', 'All requested capabilities are already granted');
    }
    const issued = fresh.map((item) => issueGrant(ctx, host, agent, item.definition, item.constraints, request.reason));
    const names = new Set(issued.map((grant) => grant.capability));
    agent.grants = [...agent.grants.filter((grant) => !names.has(grant.capability)), ...issued];
    agent.updatedAt = ctx.clock.now();
    if (issued.some((grant) => grant.status === 'pending')) openApproval(ctx, agent, host, request);
    return c.json({
      agent_id: agent.id,
      agent_capability_grants: issued.map((grant) => grantView(ctx, grant)),
      ...(agent.approval !== undefined &&
        issued.some((grant) => grant.status === 'pending') && {
          approval: approvalView(ctx, agent.approval),
        }),
    });
  });
}
