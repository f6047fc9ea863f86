import type { Hono } from 'hono';
import { DISCOVERY_PATH, PROTOCOL_VERSION, type DiscoveryDocument } from '../../protocol/index.ts';
import { DEVICE_PATH, ENDPOINTS, type SimContext } from '../sim-context.ts';
import type { SimEnv } from '../sim-http.ts';

export function discoveryDocument(ctx: SimContext): DiscoveryDocument {
  return {
    version: PROTOCOL_VERSION,
    provider_name: 'agent-auth-simulator',
    description: 'Simulated banking service for Agent Auth conformance testing',
    issuer: ctx.issuer,
    default_location: ctx.defaultLocation,
    algorithms: ['Ed25519'],
    modes: [...ctx.options.modes],
    approval_methods: ['device_authorization', 'ciba'],
    endpoints: { ...ENDPOINTS },
  };
}

/** GET /.well-known/agent-configuration (§5.1) and the device-authorization landing page (§7.1). */
export function registerDiscoveryRoutes(app: Hono<SimEnv>, ctx: SimContext): void {
  app.get(DISCOVERY_PATH, (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(discoveryDocument(ctx));
  });

  app.get(DEVICE_PATH, (c) =>
    c.json({
      message: 'This simulator has no approval UI: approve or deny pending requests through the operator control API.',
      code: c.req.query('code') ?? null,
    }),
  );
}
