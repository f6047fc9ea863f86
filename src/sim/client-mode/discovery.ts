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
