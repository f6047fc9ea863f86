import { serve, type HttpBindings } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

/** What a listener hands each request to; `env` carries the node bindings (connection info). */
export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

export interface Listener {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Stops listening and drops open connections, held streams included; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on 127.0.0.1 (an ephemeral port when `port` is 0). The handler is looked up per
 * request, so an app that needs the listener's origin can be installed after listening started.
 */
export async function listenOnLoopback(handler: () => FetchHandler, port = 0): Promise<Listener> {
  const server = serve({
    fetch: (request, env) => handler()(request, env as HttpBindings),
    port,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${bound}`,
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
