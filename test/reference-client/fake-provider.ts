import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwtUnverified } from '../../src/jose/index.ts';

export interface FakeRequest {
  method: string;
  path: string;
  time: number;
  token?: string;
  claims?: Record<string, unknown>;
  body: any;
}

/** A scripted answer; `sse` is sent as an event-stream body, left open with `holdOpen` until the client goes. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  sse?: string;
  holdOpen?: boolean;
}

type Handler = (request: FakeRequest, fake: FakeProvider) => FakeAnswer;

/**
 * A tiny scripted Agent Auth provider on 127.0.0.1 for behaviour the simulator does not produce
 * (odd versions, foreign status URLs, streams without done, 429s). It serves a discovery document
 * naming itself, answers routes from `handlers` (by "METHOD /path"), and records every request.
 */
export class FakeProvider {
  readonly requests: FakeRequest[] = [];
  /** Streams held open that the client closed itself (before stop). */
  readonly closedByClient: string[] = [];
  private stopping = false;
  readonly handlers = new Map<string, Handler>();
  discovery: Record<string, unknown> = {};

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<FakeProvider> {
    let fake: FakeProvider | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeProvider(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    fake.discovery = {
      version: '1.0-draft',
      provider_name: 'fake',
      description: 'A scripted provider',
      issuer: fake.origin,
      algorithms: ['Ed25519'],
      modes: ['delegated', 'autonomous'],
      approval_methods: ['device_authorization'],
      endpoints: {
        register: '/agent/register',
        capabilities: '/capability/list',
        describe_capability: '/capability/describe',
        execute: '/capability/execute',
        request_capability: '/agent/request-capability',
        status: '/agent/status',
        reactivate: '/agent/reactivate',
        revoke: '/agent/revoke',
      },
    };
    fake.on('GET /.well-known/agent-configuration', (_request, self) => ({ json: self.discovery }));
    fake.on('POST /agent/register', () => ({
      json: {
        agent_id: 'agt_1',
        host_id: 'hst_1',
        name: 'fake agent',
        mode: 'delegated',
        status: 'active',
        agent_capability_grants: [{ capability: 'run', status: 'active', description: 'Run' }],
      },
    }));
    fake.on('GET /capability/describe', () => ({ json: { name: 'run', description: 'Run' } }));
    fake.on('POST /capability/execute', () => ({ json: { data: 'ran' } }));
    return fake;
  }

  on(route: string, handler: Handler): void {
    this.handlers.set(route, handler);
  }

  paths(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = (req.url ?? '/').split('?')[0]!;
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path,
      time: Date.now(),
      body: text === '' ? undefined : JSON.parse(text),
    };
    if (token !== undefined) {
      request.token = token;
      const claims = decodeJwtUnverified(token).claims;
      if (claims !== undefined) request.claims = claims;
    }
    this.requests.push(request);
    const handler = this.handlers.get(`${request.method} ${path}`);
    const answer = handler?.(request, this) ?? {
      status: 404,
      json: { error: 'not_found', message: `no route ${path}` },
    };
    if (answer.sse !== undefined) {
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/event-stream', ...answer.headers });
      if (!answer.holdOpen) return void res.end(answer.sse);
      res.on('close', () => {
        if (!this.stopping) this.closedByClient.push(path);
      });
      res.write(answer.sse);
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
  }
}
