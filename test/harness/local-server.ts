import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface LocalServer {
  url: string;
  /** Requests received, with their headers and bodies. */
  received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A loopback HTTP server whose `close` also drops open connections (a hanging answer included). */
export async function listenTracked(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback HTTP server for tests; `routes` maps a path (without query) to its handler. */
export async function startLocalServer(routes: Record<string, Handler>): Promise<LocalServer> {
  const received: LocalServer['received'] = [];
  const listening = await listenTracked((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const handler = routes[path];
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found","message":"no route"}');
        return;
      }
      handler(req, res, body);
    });
  });
  return { ...listening, received };
}

export const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  };

/** Accepts the request and never answers. */
export const neverAnswers: Handler = () => undefined;

/** Answers 200 with `bytes` bytes of JSON-looking text, streamed in 64 KiB chunks. */
export const huge =
  (bytes: number): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  };

export const closesSocket: Handler = (req) => {
  req.socket.destroy();
};

/** Sends headers and part of a body, then stalls. */
export const stallsMidBody: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"partial":');
};
