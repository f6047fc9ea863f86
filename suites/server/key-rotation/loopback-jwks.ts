import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JWKS document served over plain http on 127.0.0.1 for the length of one check, recording every
 * fetch: a server honouring §8.12 never fetches it, so any recorded request is a finding.
 */
export class LoopbackJwks {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Paths requested so far, in order. */
    readonly fetches: readonly string[],
  ) {}

  static async serve(document: unknown): Promise<LoopbackJwks> {
    const body = JSON.stringify(document);
    const fetches: string[] = [];
    const server = createServer((request, response) => {
      fetches.push(request.url ?? '/');
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new LoopbackJwks(server, `http://127.0.0.1:${port}/.well-known/jwks.json`, fetches);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
