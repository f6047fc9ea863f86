import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (path: string) => {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
};

/** A loopback HTTP server whose answers the test controls, for JWKS fetching tests. */
export class JwksServer {
  routes = new Map<string, Route>();
  hits: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<JwksServer> {
    let self: JwksServer | undefined;
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      self!.hits.push(path);
      const route = self!.routes.get(path);
      if (route === undefined) {
        res.writeHead(404).end();
        return;
      }
      const answer = route(path);
      if (answer.hang) return;
      res
        .writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers })
        .end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new JwksServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  json(path: string, value: () => unknown): string {
    this.routes.set(path, () => ({ body: JSON.stringify(value()) }));
    return `${this.origin}${path}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
