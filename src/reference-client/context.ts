import { CapabilityCache } from './capability-cache.ts';
import type { ReferenceClientConfig } from './config.ts';
import { Discovery, type Provider } from './discovery.ts';
import type { ClientFaultSet } from './faults.ts';
import { PendingFlows } from './flows.ts';
import { HttpClient } from './http.ts';
import { loadOrCreateHostKey } from './keys.ts';
import { ProviderRegistry } from './providers.ts';
import { BackgroundReporter } from './reporter.ts';
import { ServerApi } from './server-api.ts';
import { ConnectionStore, type Connection } from './state.ts';
import { TokenMinter } from './tokens.ts';
import { ToolError } from './tool-error.ts';
import { UrlPolicy } from './url-policy.ts';

/** Everything the tools share within one client process. */
export interface ClientContext {
  config: ReferenceClientConfig;
  faults: ClientFaultSet;
  policy: UrlPolicy;
  http: HttpClient;
  discovery: Discovery;
  providers: ProviderRegistry;
  tokens: TokenMinter;
  api: ServerApi;
  connections: ConnectionStore;
  capabilities: CapabilityCache;
  flows: PendingFlows;
  /** Where approval flows that outlive their tool call report. */
  background: BackgroundReporter;
}

export async function createClientContext(config: ReferenceClientConfig): Promise<ClientContext> {
  const faults = config.faults;
  const policy = new UrlPolicy(config.allowInsecureLoopback);
  const http = new HttpClient(policy, faults);
  const discovery = new Discovery(http, policy, faults);
  const tokens = new TokenMinter(await loadOrCreateHostKey(config.stateDir), faults);
  const connections = new ConnectionStore(config.stateDir);
  await connections.load();
  return {
    config,
    faults,
    policy,
    http,
    discovery,
    providers: new ProviderRegistry(config.providers, discovery),
    tokens,
    api: new ServerApi(http, discovery, tokens, faults),
    connections,
    capabilities: new CapabilityCache(faults),
    flows: new PendingFlows(),
    background: new BackgroundReporter(),
  };
}

/** The connection the client holds for `agentId`; with `needsKey`, only while it still has the agent's key. */
export function requireConnection(ctx: ClientContext, agentId: string, opts: { needsKey?: boolean } = {}): Connection {
  const connection = ctx.connections.get(agentId);
  if (connection === undefined || (opts.needsKey !== false && connection.keys === undefined)) {
    throw new ToolError('agent_not_found', `this client holds no connection for agent ${agentId}`, {
      agent_id: agentId,
    });
  }
  return connection;
}

/** The provider a connection belongs to, from (possibly refreshed) discovery. */
export function providerOf(ctx: ClientContext, connection: Connection): Promise<Provider> {
  return ctx.discovery.provider(connection.serviceUrl);
}

/** The cache identity of a request: the agent when one signs it, else the host. */
export function identityOf(ctx: ClientContext, connection: Connection | undefined): string {
  return connection === undefined ? `host:${ctx.tokens.host.thumbprint}` : `agent:${connection.agentId}`;
}
