import type { Hono } from 'hono';
import { jwkThumbprint } from '../../jose/index.ts';
import { RotateHostKeyRequestSchema } from '../../protocol/index.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';
import { invalidRequest } from '../errors.ts';
import { jsonBody, validate, type SimEnv } from '../sim-http.ts';
import { verifyHostJwt } from '../verify-host-jwt.ts';
import { readEd25519Key } from './register.ts';

/** POST /host/rotate-key (§5.9) and POST /host/revoke (§5.10). */
export function registerHostRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  app.post(ENDPOINTS.rotate_host_key, async (c) => {
    const verified = await verifyHostJwt(ctx, c.req.header('authorization'), 'rotate-host-key');
    const host = verified.host!;
    const body = validate(RotateHostKeyRequestSchema, jsonBody(c), 'host key rotation request');
    if (host.keyDelivery === 'jwks') {
      throw invalidRequest('JWKS-keyed hosts rotate by publishing the new key at their JWKS URL');
    }
    const key = readEd25519Key(body.public_key, 'public_key');
    const thumbprint = await jwkThumbprint(key);
    const holder = ctx.store.hostByThumbprint(thumbprint);
    if (holder !== undefined && holder.id !== host.id) throw invalidRequest('This key already identifies another host');
    // The new thumbprint becomes the host's identifier; the old key stops working at once.
    if (host.publicKey !== undefined && holder === undefined) {
      host.retiredKeys.push({ thumbprint: host.thumbprint, key: host.publicKey });
    }
    host.publicKey = key;
    host.thumbprint = thumbprint;
    host.updatedAt = ctx.clock.now();
    if (ctx.faults.has('host-rotation-drops-grants'))
      for (const agent of ctx.store.agentsOfHost(host.id)) agent.grants = [];
    return c.json({ host_id: host.id, status: host.status });
  });

  app.post(ENDPOINTS.revoke_host, async (c) => {
    const verified = await verifyHostJwt(ctx, c.req.header('authorization'), 'revoke-host');
    const host = verified.host!;
    const agentsRevoked = ctx.lifecycle.revokeHost(host);
    return c.json({ host_id: host.id, status: 'revoked', agents_revoked: agentsRevoked });
  });
}
