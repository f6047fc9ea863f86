import { z } from 'zod';
import { NumericDateSchema, UrlSchema } from './common.ts';
import { PublicJwkSchema } from './jwk.ts';

export const HOST_JWT_TYPE = 'host+jwt';
export const AGENT_JWT_TYPE = 'agent+jwt';
export const JWT_ALGORITHM = 'EdDSA';

export const HostJwtHeaderSchema = z
  .looseObject({
    alg: z.literal(JWT_ALGORITHM),
    typ: z.literal(HOST_JWT_TYPE),
    kid: z.string().optional(),
  })
  .describe('Host JWT protected header; kid is needed when the host key comes from a JWKS URL (§4.2).');
export type HostJwtHeader = z.infer<typeof HostJwtHeaderSchema>;

export const AgentJwtHeaderSchema = z
  .looseObject({
    alg: z.literal(JWT_ALGORITHM),
    typ: z.literal(AGENT_JWT_TYPE),
    kid: z.string().optional(),
  })
  .describe('Agent JWT protected header (§4.3).');
export type AgentJwtHeader = z.infer<typeof AgentJwtHeaderSchema>;

const registeredClaims = {
  iss: z.string(),
  aud: z.string(),
  iat: NumericDateSchema,
  exp: NumericDateSchema,
  jti: z.string(),
};

const hostJwtClaimFields = z.looseObject({
  ...registeredClaims,
  host_public_key: PublicJwkSchema.optional(),
  host_jwks_url: UrlSchema.optional(),
  agent_public_key: PublicJwkSchema.optional(),
  agent_jwks_url: UrlSchema.optional(),
  agent_kid: z.string().optional(),
});

/** The host key is given inline, by JWKS URL, or both (§4.2). */
const hostKeySource = z.union([
  z.looseObject({ host_public_key: PublicJwkSchema }),
  z.looseObject({ host_jwks_url: UrlSchema }),
]);

/** `agent_kid` is required whenever `agent_jwks_url` is present (§4.2). */
const agentKidWithJwksUrl = z.union([
  z.looseObject({ agent_jwks_url: z.never().optional() }),
  z.looseObject({ agent_jwks_url: UrlSchema, agent_kid: z.string() }),
]);

/** Registration additionally needs the agent key, inline or by JWKS URL (§4.2, §5.3). */
const agentKeySource = z.union([
  z.looseObject({ agent_public_key: PublicJwkSchema }),
  z.looseObject({ agent_jwks_url: UrlSchema }),
]);

export const HostJwtClaimsSchema = hostJwtClaimFields
  .and(hostKeySource)
  .and(agentKidWithJwksUrl)
  .describe('Host JWT claims on any host-authenticated endpoint (§4.2).');
export type HostJwtClaims = z.infer<typeof HostJwtClaimsSchema>;

export const HostJwtRegistrationClaimsSchema = HostJwtClaimsSchema.and(agentKeySource).describe(
  'Host JWT claims for POST /agent/register, which must carry the agent key (§4.2, §5.3).',
);
export type HostJwtRegistrationClaims = z.infer<typeof HostJwtRegistrationClaimsSchema>;

/** Proof-of-possession confirmation claim (§4.4, §8.14; RFC 9449, RFC 8705). */
export const ConfirmationClaimSchema = z
  .looseObject({
    jkt: z.string().optional(),
    'x5t#S256': z.string().optional(),
  })
  .describe('cnf claim binding the agent JWT to a DPoP key or client certificate (§4.4).');

export const AgentJwtClaimsSchema = z
  .looseObject({
    ...registeredClaims,
    sub: z.string(),
    capabilities: z.array(z.string()).optional(),
    cnf: ConfirmationClaimSchema.optional(),
  })
  .describe('Agent JWT claims (§4.3).');
export type AgentJwtClaims = z.infer<typeof AgentJwtClaimsSchema>;

export const SignJwtInputSchema = z
  .looseObject({
    agent_id: z.string(),
    aud: z.string().optional(),
    capabilities: z.array(z.string()).optional(),
  })
  .describe('Input of the client sign_jwt tool (§6.5).');
export type SignJwtInput = z.infer<typeof SignJwtInputSchema>;

export const SignJwtResultSchema = z
  .looseObject({
    token: z.string(),
    expires_in: z.number().nonnegative(),
  })
  .describe('Result of the client sign_jwt tool (§6.5).');
export type SignJwtResult = z.infer<typeof SignJwtResultSchema>;
