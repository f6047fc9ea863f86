import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { decodeJwtUnverified } from '../jose/index.ts';
import { DISCOVERY_PATH, formatAgentAuthChallenge } from '../protocol/index.ts';
import { ASYNC_STATUS_PATH, CONTROL_PATH, DEVICE_PATH, ENDPOINTS, type SimContext } from './sim-context.ts';
import { ProtocolError } from './errors.ts';
import type { SimEnv, SimHonoContext } from './sim-http.ts';
import { MAX_BODY_BYTES } from './options.ts';
import { headersToRecord, type Recorder } from './recorder.ts';
import { registerControlRoutes } from './control-routes.ts';
import { registerAgentLifecycleRoutes } from './routes/agent-lifecycle.ts';
import { registerCapabilityRoutes } from './routes/capabilities.ts';
import { registerDiscoveryRoutes } from './routes/discovery.ts';
import { registerExecuteRoutes } from './routes/execute.ts';
import { registerHostRoutes } from './routes/host.ts';
import { registerIntrospectRoute } from './routes/introspect.ts';
import { registerRegistrationRoute } from './routes/register.ts';
import { registerRequestCapabilityRoute } from './routes/request-capability.ts';

/** Methods each served path answers; anything else on these paths is 405. */
const ROUTE_METHODS: readonly [RegExp, readonly string[]][] = [
  [exact(DISCOVERY_PATH), ['GET', 'HEAD']],
  [exact(DEVICE_PATH), ['GET', 'HEAD']],
  [exact(ENDPOINTS.capabilities), ['GET', 'HEAD']],
  [exact(ENDPOINTS.describe_capability), ['GET', 'HEAD']],
  [exact(ENDPOINTS.status), ['GET', 'HEAD']],
  [new RegExp(`^${ASYNC_STATUS_PATH}/[^/]+$`), ['GET', 'HEAD']],
  [exact(CONTROL_PATH), ['GET', 'HEAD']],
  [new RegExp(`^${CONTROL_PATH}/[^/]+$`), ['POST']],
  ...[
    ENDPOINTS.register,
    ENDPOINTS.execute,
    ENDPOINTS.request_capability,
    ENDPOINTS.reactivate,
    ENDPOINTS.revoke,
    ENDPOINTS.revoke_host,
    ENDPOINTS.rotate_key,
    ENDPOINTS.rotate_host_key,
    ENDPOINTS.introspect,
  ].map((path): [RegExp, readonly string[]] => [exact(path), ['POST']]),
];

function exact(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** The simulator's HTTP application: protocol endpoints, control API, recording and error mapping. */
export function createApp(ctx: SimContext): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  // Network distance, simulated before anything else so every answer (control API included) pays it.
  if (ctx.options.latencyMs > 0)
    app.use('*', async (_c, next) => {
      await new Promise((resolve) => setTimeout(resolve, ctx.options.latencyMs));
      await next();
    });
  if (ctx.recorder !== undefined) app.use('*', recordExchanges(ctx, ctx.recorder));
  app.use('*', rateLimit(ctx));
  readBodies(app);

  registerDiscoveryRoutes(app, ctx);
  registerCapabilityRoutes(app, ctx);
  registerRegistrationRoute(app, ctx);
  registerRequestCapabilityRoute(app, ctx);
  registerAgentLifecycleRoutes(app, ctx);
  registerHostRoutes(app, ctx);
  registerExecuteRoutes(app, ctx);
  registerIntrospectRoute(app, ctx);
  registerControlRoutes(app, ctx);

  app.notFound((c) => {
    const allowed = ROUTE_METHODS.find(([pattern]) => pattern.test(c.req.path))?.[1];
    if (allowed !== undefined) {
      c.header('Allow', allowed.join(', '));
      return c.json({ error: 'method_not_allowed', message: `${c.req.method} is not allowed on ${c.req.path}` }, 405);
    }
    return c.json({ error: 'not_found', message: `No endpoint at ${c.req.path}` }, 404);
  });

  answerErrors(app, ctx);
  return app;
}

/** Refuses bodies over MAX_BODY_BYTES and keeps the body text for handlers and recording. */
export function readBodies(app: Hono<SimEnv>): void {
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ProtocolError(413, 'invalid_request', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use('*', async (c, next) => {
    if (c.req.raw.body !== null) c.set('rawBody', await c.req.text());
    await next();
  });
}

/** Turns thrown errors into §5.13 answers. */
export function answerErrors(app: Hono<SimEnv>, ctx: SimContext): void {
  app.onError((error, c) => errorResponse(ctx, c, error));
}

function errorResponse(ctx: SimContext, c: SimHonoContext, error: unknown): Response {
  if (error instanceof ProtocolError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    // §5.14: point agents that failed to authenticate at discovery.
    if (error.status === 401) c.header('WWW-Authenticate', formatAgentAuthChallenge(ctx.discoveryUrl));
    return c.json(error.body(), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status >= 400 && error.status < 500 ? error.status : 400;
    return c.json({ error: 'invalid_request', message: error.message || 'The request could not be processed' }, status);
  }
  // A client that hung up mid-request is not the simulator's failure: one line, no stack.
  if ((error as { code?: unknown } | null)?.code === 'ECONNRESET') {
    console.error(`simulator: client disconnected during ${c.req.method} ${c.req.path}`);
    return c.json({ error: 'invalid_request', message: 'The request was aborted by the client' }, 400);
  }
  console.error('simulator: unexpected error', error);
  return c.json({ error: 'internal_error', message: 'The simulator failed unexpectedly' }, 500);
}

/** Records every exchange (request and response, bodies as text) for client certification. */
function recordExchanges(ctx: SimContext, recorder: Recorder): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const time = ctx.clock.now();
    const url = new URL(c.req.url);
    const requestHeaders = headersToRecord(c.req.raw.headers);
    await next();
    const response = c.res;
    const exchange = recorder.add({
      time,
      channel: url.pathname === CONTROL_PATH || url.pathname.startsWith(`${CONTROL_PATH}/`) ? 'control' : 'protocol',
      method: c.req.method,
      path: `${url.pathname}${url.search}`,
      headers: requestHeaders,
      body: c.get('rawBody') ?? '',
      status: response.status,
      responseHeaders: headersToRecord(response.headers),
      responseBody: '',
    });
    if (response.body === null) {
      recorder.complete(exchange);
      return;
    }
    const copy = response.clone();
    void copy
      .text()
      .catch(() => '')
      .then((text) => {
        exchange.responseBody = text;
        recorder.complete(exchange);
      });
  };
}

/** Per-identity limiting (§8.13): the token's agent or host, else the client address (or the address alone). */
function rateLimit(ctx: SimContext): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const limiter = ctx.rateLimiter;
    if (limiter === undefined || ctx.faults.has('no-rate-limit') || c.req.path.startsWith(CONTROL_PATH)) return next();
    const decision = limiter.take(ctx.options.rateLimit?.scope === 'address' ? clientAddress(c) : clientIdentity(c));
    if (!decision.allowed) {
      throw new ProtocolError(
        429,
        'rate_limited',
        'Too many requests; retry later',
        {},
        {
          'Retry-After': String(decision.retryAfterSeconds),
        },
      );
    }
    return next();
  };
}

function clientIdentity(c: SimHonoContext): string {
  const match = /^Bearer\s+(\S+)/i.exec(c.req.header('authorization') ?? '');
  if (match !== null) {
    const { claims } = decodeJwtUnverified(match[1]!);
    if (typeof claims?.sub === 'string') return `agent:${claims.sub}`;
    if (typeof claims?.iss === 'string') return `host:${claims.iss}`;
  }
  return clientAddress(c);
}

function clientAddress(c: SimHonoContext): string {
  try {
    return `ip:${getConnInfo(c).remote.address ?? 'unknown'}`;
  } catch {
    return 'ip:unknown';
  }
}
