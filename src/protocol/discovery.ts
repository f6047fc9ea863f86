import { z } from 'zod';
import { AgentModeSchema, UrlSchema } from './common.ts';

/** Endpoint keys a discovery document may name; paths are relative to `issuer` (§5, §5.1). */
export const ENDPOINT_KEYS = [
  'register',
  'capabilities',
  'describe_capability',
  'execute',
  'request_capability',
  'status',
  'reactivate',
  'revoke',
  'revoke_host',
  'rotate_key',
  'rotate_host_key',
  'introspect',
] as const;
export type EndpointKey = (typeof ENDPOINT_KEYS)[number];

/** `MAJOR.MINOR` with an optional `-draft` suffix (§5.1.1). */
export const ProtocolVersionSchema = z
  .string()
  .regex(/^[0-9]+\.[0-9]+(-draft)?$/)
  .describe('Protocol version, MAJOR.MINOR with optional -draft suffix (§5.1.1).');

export const DiscoveryEndpointsSchema = z
  .looseObject({
    register: z.string().optional(),
    capabilities: z.string().optional(),
    describe_capability: z.string().optional(),
    execute: z.string().optional(),
    request_capability: z.string().optional(),
    status: z.string().optional(),
    reactivate: z.string().optional(),
    revoke: z.string().optional(),
    revoke_host: z.string().optional(),
    rotate_key: z.string().optional(),
    rotate_host_key: z.string().optional(),
    introspect: z.string().optional(),
  } satisfies Record<EndpointKey, z.ZodType>)
  .describe('Server endpoint paths relative to the issuer (§5.1).');
export type DiscoveryEndpoints = z.infer<typeof DiscoveryEndpointsSchema>;

export const DiscoveryDocumentSchema = z
  .looseObject({
    version: ProtocolVersionSchema,
    provider_name: z.string(),
    description: z.string(),
    issuer: UrlSchema,
    default_location: UrlSchema.optional(),
    algorithms: z.array(z.string()),
    modes: z.array(AgentModeSchema).min(1),
    approval_methods: z.array(z.string()),
    endpoints: DiscoveryEndpointsSchema,
    jwks_uri: UrlSchema.optional(),
  })
  .describe(
    'Discovery document served at /.well-known/agent-configuration (§5.1); unknown members are ignored (§5.1.1).',
  );
export type DiscoveryDocument = z.infer<typeof DiscoveryDocumentSchema>;

/** The well-known discovery path (§5.1). */
export const DISCOVERY_PATH = '/.well-known/agent-configuration';
