import type { IncomingMessage } from 'node:http';
import type { TargetInfo } from '../../src/harness/protocol-client/index.ts';
import type { Handler } from './local-server.ts';
import type { DiscoveryDocument } from '../../src/protocol/index.ts';
import { ENDPOINTS } from '../../src/sim/sim-context.ts';

export function discoveryDocument(issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.0-draft',
    provider_name: 'fake',
    description: 'A fake server for harness tests',
    issuer,
    algorithms: ['Ed25519'],
    modes: ['delegated'],
    approval_methods: ['device_authorization'],
    endpoints: { ...ENDPOINTS },
    ...overrides,
  };
}

function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** Serves a discovery document naming the server's own origin as issuer. */
export function discoveryHandler(
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Handler {
  return (req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600', ...headers })
      .end(JSON.stringify(discoveryDocument(originOf(req), overrides)));
  };
}

/** A TargetInfo for runner tests that never touch the network through discovery. */
export function fakeTarget(issuer = 'http://127.0.0.1:1', overrides: Record<string, unknown> = {}): TargetInfo {
  const discovery = discoveryDocument(issuer, overrides) as DiscoveryDocument;
  const endpoints: TargetInfo['endpoints'] = {};
  for (const [key, value] of Object.entries(discovery.endpoints)) {
    if (typeof value === 'string') endpoints[key] = { value, form: 'relative', url: `${issuer}${value}` };
  }
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/agent-configuration`,
    discovery,
    endpoints,
    capabilityLocations: {},
  };
}
