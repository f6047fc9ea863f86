import type { Ed25519KeyPair } from '../jose/index.ts';
import { isKnownErrorCode, type EndpointKey } from '../protocol/index.ts';
import { defaultLocation, endpointUrl, type Discovery, type Provider } from './discovery.ts';
import type { ClientFaultSet } from './faults.ts';
import type { HttpAnswer, HttpClient } from './http.ts';
import { log } from './log.ts';
import { sendWithRetry } from './rate-limit.ts';
import type { Connection } from './state.ts';
import { isRecord } from './tool-error.ts';
import type { TokenMinter } from './tokens.ts';

/** Who signs a request: the host or an agent. */
type Signer = { kind: 'host'; agentKey?: Ed25519KeyPair } | { kind: 'agent'; connection: Connection };

interface Call {
  method: 'GET' | 'POST';
  query?: Record<string, string | undefined>;
  json?: unknown;
  signer: Signer;
  /** Retry 429 answers (default true). */
  retry?: boolean;
}

/**
 * One method per authorization-server request of §5, each signed by the identity the spec names
 * (host JWT for register, status, reactivate, revoke; agent JWT with aud = issuer for capability
 * requests and agent-scoped listings, §4.3), retried on 429 with a fresh token per attempt (§8.13),
 * and sent again once after rediscovery when a formerly working path has gone (§10.5 SHOULD).
 */
export class ServerApi {
  constructor(
    private readonly http: HttpClient,
    private readonly discovery: Discovery,
    private readonly tokens: TokenMinter,
    private readonly faults: ClientFaultSet,
  ) {}

  register(
    provider: Provider,
    body: Record<string, unknown>,
    agentKey: Ed25519KeyPair,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    return this.call(provider, 'register', { method: 'POST', json: body, signer: { kind: 'host', agentKey } }, signal);
  }

  /** GET /agent/status; approval polling passes `retry: false` and spaces a 429 by its own interval rules. */
  status(
    provider: Provider,
    connection: Connection,
    opts: { signal?: AbortSignal; retry?: boolean } = {},
  ): Promise<HttpAnswer> {
    const signer: Signer = this.faults.has('status-with-agent-jwt') ? { kind: 'agent', connection } : { kind: 'host' };
    const call: Call = { method: 'GET', query: { agent_id: connection.agentId }, signer, retry: opts.retry ?? true };
    return this.call(provider, 'status', call, opts.signal);
  }

  reactivate(provider: Provider, connection: Connection): Promise<HttpAnswer> {
    const signer: Signer = this.faults.has('reactivate-with-agent-jwt')
      ? { kind: 'agent', connection }
      : { kind: 'host' };
    return this.call(provider, 'reactivate', { method: 'POST', json: { agent_id: connection.agentId }, signer });
  }

  revoke(provider: Provider, connection: Connection): Promise<HttpAnswer> {
    return this.call(provider, 'revoke', {
      method: 'POST',
      json: { agent_id: connection.agentId },
      signer: { kind: 'host' },
    });
  }

  requestCapability(provider: Provider, connection: Connection, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(provider, 'request_capability', {
      method: 'POST',
      json: body,
      signer: { kind: 'agent', connection },
    });
  }

  /** GET /capability/list as the host, or as the agent when `connection` is given (§6.3 step 1). */
  list(
    provider: Provider,
    connection: Connection | undefined,
    query: Record<string, string | undefined>,
  ): Promise<HttpAnswer> {
    return this.call(provider, 'capabilities', { method: 'GET', query, signer: signerFor(connection) });
  }

  /** GET /capability/describe as the host, or as the agent when `connection` is given (§6.3.1 step 1). */
  describe(provider: Provider, connection: Connection | undefined, name: string): Promise<HttpAnswer> {
    return this.call(provider, 'describe_capability', {
      method: 'GET',
      query: { name },
      signer: signerFor(connection),
    });
  }

  /** The URL a call to `key` goes to, with its query (undefined members dropped). */
  urlOf(provider: Provider, key: EndpointKey, query: Record<string, string | undefined> = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
    const search = params.size > 0 ? `?${params}` : '';
    return `${endpointUrl(provider, key, this.faults)}${search}`;
  }

  private async call(provider: Provider, key: EndpointKey, call: Call, signal?: AbortSignal): Promise<HttpAnswer> {
    const url = this.urlOf(provider, key, call.query);
    const answer = await this.send(provider, url, call, signal);
    if ((answer.status === 404 || answer.status === 410) && !isProtocolError(answer)) {
      // The path itself is gone: the server may have moved its endpoints (§10.5).
      this.discovery.forget(provider.serviceUrl);
      const refreshed = await this.discovery.provider(provider.serviceUrl).catch(() => undefined);
      const moved = refreshed === undefined ? undefined : this.urlOf(refreshed, key, call.query);
      if (refreshed !== undefined && moved !== undefined && moved !== url) {
        log(`${url} answered ${answer.status}; discovery now names ${moved}`);
        return this.send(refreshed, moved, call, signal);
      }
    }
    return answer;
  }

  private send(provider: Provider, url: string, call: Call, signal?: AbortSignal): Promise<HttpAnswer> {
    const once = async () => {
      const token = await this.tokenFor(provider, url, call.signer);
      return this.http.send({ method: call.method, url, token, ...(call.json !== undefined && { json: call.json }) });
    };
    return call.retry === false ? once() : sendWithRetry(once, this.faults, signal);
  }

  private async tokenFor(provider: Provider, url: string, signer: Signer): Promise<string> {
    switch (signer.kind) {
      case 'host':
        return this.tokens.hostJwt(provider.issuer, {
          url,
          ...(signer.agentKey !== undefined && { agentKey: signer.agentKey }),
        });
      case 'agent': {
        // Agent requests to the authorization server other than execution name the issuer (§4.3).
        const aud = this.faults.has('non-execution-aud-default-location')
          ? defaultLocation(provider, this.faults)
          : provider.issuer;
        return (await this.tokens.agentJwt(signer.connection, aud)).token;
      }
    }
  }
}

function signerFor(connection: Connection | undefined): Signer {
  return connection === undefined ? { kind: 'host' } : { kind: 'agent', connection };
}

/** An answer from the protocol endpoint itself (a §5.13 error code), as opposed to "no such path". */
function isProtocolError(answer: HttpAnswer): boolean {
  return isRecord(answer.json) && typeof answer.json.error === 'string' && isKnownErrorCode(answer.json.error);
}
