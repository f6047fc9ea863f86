import { z } from 'zod';

/** JWK members that carry private or symmetric key material (RFC 7517/7518/8037); never sent to a server (§4.1). */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const noPrivateMembers = Object.fromEntries(PRIVATE_JWK_MEMBERS.map((member) => [member, z.never().optional()])) as {
  [K in (typeof PRIVATE_JWK_MEMBERS)[number]]: z.ZodOptional<z.ZodNever>;
};

/**
 * Any public JWK. Requests carry keys of this shape so that a well-formed key of an unsupported type
 * can be answered with `unsupported_algorithm` rather than `invalid_request` (§5.13).
 */
export const PublicJwkSchema = z
  .looseObject({
    kty: z.string(),
    kid: z.string().optional(),
    ...noPrivateMembers,
  })
  .describe('A public JSON Web Key without private members (§4.1, RFC 7517).');
export type PublicJwk = z.infer<typeof PublicJwkSchema>;

/** Ed25519 public key: 32 bytes, base64url without padding, is exactly 43 characters (RFC 8037). */
export const Ed25519PublicJwkSchema = z
  .looseObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    kid: z.string().optional(),
    alg: z.literal('EdDSA').optional(),
    use: z.literal('sig').optional(),
    ...noPrivateMembers,
  })
  .describe('Ed25519 public key in OKP JWK form (§4.1, RFC 8037).');
export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwkSchema>;

export const JwksSchema = z
  .looseObject({ keys: z.array(PublicJwkSchema) })
  .describe('JSON Web Key Set as served at a JWKS URL (§4.1, RFC 7517 §5).');
export type Jwks = z.infer<typeof JwksSchema>;
