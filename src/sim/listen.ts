import { serve, type HttpBindings } from '@hono/node-server';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** What a listener hands each request to; `env` carries the node bindings (connection info). */
export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

export interface Listener {
  /** http://127.0.0.1:<port> unless told otherwise (https, another address). */
  origin: string;
  port: number;
  /** Stops listening and drops open connections, held streams included; safe to call twice. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** The address to bind (default 127.0.0.1). */
  hostname?: string;
  /** 0 (default) for an ephemeral port. */
  port?: number;
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Connections from a peer this refuses are dropped before anything is read. */
  acceptPeer?: (address: string | undefined) => boolean;
}

/**
 * Serves `handler` on 127.0.0.1 (an ephemeral port when `port` is 0). The handler is looked up per
 * request, so an app that needs the listener's origin can be installed after listening started.
 */
export function listenOnLoopback(handler: () => FetchHandler, port = 0): Promise<Listener> {
  return listen(handler, { port });
}

/** Serves `handler` as `options` say: address, port, plain http or https, accepted peers. */
export async function listen(handler: () => FetchHandler, options: ListenOptions = {}): Promise<Listener> {
  const hostname = options.hostname ?? '127.0.0.1';
  const server = serve({
    fetch: (request, env) => handler()(request, env as HttpBindings),
    port: options.port ?? 0,
    hostname,
    ...(options.tls !== undefined && { createServer: createHttpsServer, serverOptions: options.tls }),
  });
  const acceptPeer = options.acceptPeer;
  if (acceptPeer !== undefined) {
    server.on('connection', (socket: Socket) => {
      if (!acceptPeer(socket.remoteAddress)) socket.destroy();
    });
  }
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  return {
    origin: `${options.tls === undefined ? 'http' : 'https'}://${host}:${bound}`,
    port: bound,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return closed;
    },
  };
}
