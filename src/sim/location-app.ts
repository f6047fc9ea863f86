import { Hono } from 'hono';
import { answerErrors, readBodies } from './server.ts';
import type { SimContext } from './sim-context.ts';
import type { SimEnv } from './sim-http.ts';
import { executeHandler } from './routes/execute.ts';

/**
 * The service at a capability location of its own (§2.12, §2.15): one execute endpoint at `url`,
 * sharing the simulator's state, that executes only the capabilities located there and accepts only
 * agent JWTs whose `aud` is `url`. It is meant to listen on an origin of its own.
 */
export function createLocationApp(ctx: SimContext, url: string): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  readBodies(app);
  app.post(
    new URL(url).pathname,
    executeHandler(ctx, [url], (name) => ctx.options.capabilityLocations[name] === url),
  );
  app.notFound((c) => c.json({ error: 'not_found', message: `No endpoint at ${c.req.path}` }, 404));
  answerErrors(app, ctx);
  return app;
}
