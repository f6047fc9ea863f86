import { HOST_JWT_TYPE } from '../protocol/index.ts';
import type { SimContext } from './sim-context.ts';
import { bearerToken, decodeToken } from './jwt-checks.ts';
import { verifyAgentJwt, type VerifiedAgentJwt } from './verify-agent-jwt.ts';
import { verifyHostJwt, type VerifiedHostJwt } from './verify-host-jwt.ts';

export type CallerIdentity =
  | { kind: 'anonymous' }
  | { kind: 'host'; verified: VerifiedHostJwt }
  | { kind: 'agent'; verified: VerifiedAgentJwt };

/**
 * Endpoints open to three kinds of callers (§5.2): no token, a host JWT, or an agent JWT. The token
 * goes to the host verifier when typed host+jwt, else to the agent verifier when it names an agent
 * (`sub`), else to the host verifier; each verifier then applies its own typ rule.
 */
export async function identifyCaller(ctx: SimContext, authorization: string | undefined): Promise<CallerIdentity> {
  const raw = bearerToken(authorization);
  if (raw === undefined) return { kind: 'anonymous' };
  const token = decodeToken(raw);
  const asHost = token.header.typ === HOST_JWT_TYPE || typeof token.claims.sub !== 'string';
  if (asHost) return { kind: 'host', verified: await verifyHostJwt(ctx, authorization, 'list-capabilities') };
  return {
    kind: 'agent',
    verified: await verifyAgentJwt(ctx, authorization, { audiences: [ctx.issuer], endpoint: 'list' }),
  };
}
