import { DISCOVERY_PATH } from '../../protocol/index.ts';
import type { FetchHandler } from '../listen.ts';
import { discoveryDocument } from '../routes/discovery.ts';
import type { SimContext } from '../sim-context.ts';
import type { ClientScenarioKnobs } from './knobs.ts';

/** The discovery answer's Cache-Control when the scenario does not choose one (§5.1 recommends an hour). */
const DEFAULT_CACHE_CONTROL = 'public, max-age=3600';

/**
 * GET (or HEAD) of the discovery document under the scenario's knobs: another `version`, absolute
 * endpoint URLs, no `default_location`, another or no Cache-Control, members set or added, padding
 * (§5.1, §5.1.1, §8.12). Every endpoint keeps its path, so whatever the client resolves still reaches
 * the simulator's routes.
 */
export function discoveryAnswer(
  ctx: SimContext,
  knobs: NonNullable<ClientScenarioKnobs['discovery']>,
  method: string,
): Response {
  const { default_location: defaultLocation, endpoints, version, ...rest } = discoveryDocument(ctx);
  const document = {
    version: knobs.version ?? version,
    ...rest,
    ...(knobs.defaultLocation !== 'absent' && { default_location: defaultLocation }),
    endpoints:
      knobs.endpoints === 'absolute'
        ? Object.fromEntries(Object.entries(endpoints).map(([name, path]) => [name, `${ctx.issuer}${path}`]))
        : endpoints,
    ...knobs.fields,
    ...(knobs.paddingBytes !== undefined && { x_conformance_padding: 'x'.repeat(knobs.paddingBytes) }),
  };
  const headers = new Headers({ 'content-type': 'application/json' });
  const cacheControl = knobs.cacheControl === undefined ? DEFAULT_CACHE_CONTROL : knobs.cacheControl;
  if (cacheControl !== null) headers.set('cache-control', cacheControl);
  return new Response(method === 'HEAD' ? null : JSON.stringify(document), { status: 200, headers });
}

/**
 * An origin that serves the scenario's discovery document at the well-known path and nothing else
 * (404): what the extra listeners answer, so that a client reaching one over a transport it should
 * have refused gets no further than the document.
 */
export function discoveryOnly(ctx: SimContext, knobs: NonNullable<ClientScenarioKnobs['discovery']>): FetchHandler {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (path === DISCOVERY_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      return discoveryAnswer(ctx, knobs, request.method);
    }
    return Response.json({ error: 'not_found', message: `Nothing is served at ${path}` }, { status: 404 });
  };
}
