/**
 * Reference target: better-auth with the @better-auth/agent-auth plugin on 127.0.0.1, plus the
 * operator control adapter at /__control. Library: startBetterAuthTarget(). CLI:
 *   tsx examples/better-auth/server.ts [--port N] [--log]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { toNodeHandler } from 'better-auth/node';
import { BASE_PATH, createTargetAuth, emptyDatabase, type TargetAuth, type TargetSettings } from './auth.ts';
import { capabilityCatalogue } from './capabilities.ts';
import { CONTROL_PATH, ControlAdapter } from './control.ts';
import { sendFetchResponse, toFetchRequest } from './http-bridge.ts';
import { JobBook } from './jobs.ts';
import { UserCodeBook } from './user-codes.ts';
import { UserDirectory } from './users.ts';

const DISCOVERY_PATH = '/.well-known/agent-configuration';

export interface BetterAuthTarget {
  origin: string;
  /** The plugin's issuer: better-auth's base URL, `<origin>/api/auth`. */
  issuer: string;
  discoveryUrl: string;
  controlUrl: string;
  stop(): Promise<void>;
}

/** Resolves the agent JWT of a request through the plugin's own GET /agent/session. */
async function authenticateAgent(
  auth: TargetAuth,
  issuer: string,
  request: Request,
): Promise<{ agentId: string } | Response> {
  const headers = new Headers();
  const authorization = request.headers.get('authorization');
  if (authorization) headers.set('authorization', authorization);
  const answer = await auth.handler(new Request(`${issuer}/agent/session`, { headers }));
  if (!answer.ok) return answer;
  const session = (await answer.json()) as { agentId?: unknown } | null;
  if (typeof session?.agentId === 'string') return { agentId: session.agentId };
  return new Response(JSON.stringify({ error: 'unauthorized', message: 'Polling needs an agent JWT.' }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
}

export interface StartOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Print better-auth's error log; off by default. */
  log?: boolean;
  /** Protection settings (auth.ts TargetSettings); 'conformance' by default. */
  settings?: TargetSettings;
}

export async function startBetterAuthTarget(options: StartOptions = {}): Promise<BetterAuthTarget> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${BASE_PATH}`;

  const db = emptyDatabase();
  const capabilities = capabilityCatalogue();
  const userCodes = new UserCodeBook();
  const jobs = new JobBook({ origin, authenticate: (request) => authenticateAgent(auth, issuer, request) });
  const users = new UserDirectory(issuer, origin, async () => (await auth.$context).internalAdapter);
  const auth = createTargetAuth({
    origin,
    db,
    capabilities,
    jobs,
    userCodes,
    users,
    log: options.log ?? false,
    settings: options.settings ?? 'conformance',
  });
  const control = new ControlAdapter({ origin, issuer, auth, db, capabilities, users, userCodes, jobs });
  const betterAuthHandler = toNodeHandler(auth);
  const discovery = auth.api.getAgentConfiguration;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', origin).pathname;
    if (pathname === DISCOVERY_PATH) {
      const request = await toFetchRequest(req, origin);
      await sendFetchResponse(res, await discovery({ headers: request.headers, asResponse: true }));
    } else if (control.handles(pathname)) {
      await sendFetchResponse(res, await control.handle(await toFetchRequest(req, origin)));
    } else if (jobs.handles(pathname)) {
      await sendFetchResponse(res, await jobs.poll(await toFetchRequest(req, origin)));
    } else {
      await betterAuthHandler(req, res);
    }
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal_error', message: (error as Error).message }));
    });
  });

  return {
    origin,
    issuer,
    discoveryUrl: `${origin}${DISCOVERY_PATH}`,
    controlUrl: `${origin}${CONTROL_PATH}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, log: { type: 'boolean' } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new Error(`--port must be a port number, got "${values.port}"`);
  }
  const target = await startBetterAuthTarget({ ...(port === undefined ? {} : { port }), log: values.log ?? false });
  console.log(`listening ${target.origin}`);
  console.log(`issuer ${target.issuer}`);
  console.log(`discovery ${target.discoveryUrl}`);
  console.log(`control ${target.controlUrl}`);
  const shutdown = () => {
    target.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
