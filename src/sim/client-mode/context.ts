import { DISCOVERY_PATH } from '../../protocol/index.ts';
import { ENDPOINTS, type SimContext } from '../sim-context.ts';

/**
 * The simulator's context with an issuer that has a path: the issuer, the default location and the
 * discovery URL gain it, while the routes stay at the root and the pipeline removes the path before
 * routing (endpoints.ts routeOf).
 */
export function withIssuerPath(ctx: SimContext, issuerPath: string | undefined): SimContext {
  if (issuerPath === undefined) return ctx;
  const issuer = `${ctx.origin}${issuerPath}`;
  return {
    ...ctx,
    issuer,
    defaultLocation: `${issuer}${ENDPOINTS.execute}`,
    discoveryUrl: `${issuer}${DISCOVERY_PATH}`,
  };
}
