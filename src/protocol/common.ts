import { z } from 'zod';

/** A JSON value of any type; unlike `z.unknown()` it rejects an absent (undefined) value. */
export const JsonValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .describe('Any JSON value.');
export type JsonValue = z.infer<typeof JsonValueSchema>;

/** A JSON object whose members are not constrained further. */
export const JsonObjectSchema = z.record(z.string(), z.unknown()).describe('Any JSON object.');
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** A JSON Schema document embedded in a wire object (capability input/output, §2.12). */
export const EmbeddedJsonSchemaSchema = JsonObjectSchema.describe(
  'A JSON Schema document describing capability input or output (§2.12).',
);

/** ISO 8601 / RFC 3339 timestamp with a zone designator (`Z` or an offset). */
export const DateTimeSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with time zone.');

/** An absolute URL. */
export const UrlSchema = z.url().describe('Absolute URL.');

/** JWT NumericDate: seconds since the epoch (RFC 7519 §2). */
export const NumericDateSchema = z.number().describe('Seconds since the Unix epoch.');

export const AgentModeSchema = z.enum(['delegated', 'autonomous']).describe('Agent mode (§2.2).');
export type AgentMode = z.infer<typeof AgentModeSchema>;

export const AgentStatusSchema = z
  .enum(['pending', 'active', 'expired', 'revoked', 'rejected', 'claimed'])
  .describe('Agent state (§2.3).');
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const HostStatusSchema = z.enum(['active', 'pending', 'revoked', 'rejected']).describe('Host state (§2.11).');
export type HostStatus = z.infer<typeof HostStatusSchema>;

export const GrantStatusSchema = z.enum(['active', 'pending', 'denied']).describe('Capability grant status (§3.3).');
export type GrantStatus = z.infer<typeof GrantStatusSchema>;

/** The two core approval methods of §7; servers may add extension methods (§10.10.3). */
export const CORE_APPROVAL_METHODS = ['device_authorization', 'ciba'] as const;
export type CoreApprovalMethod = (typeof CORE_APPROVAL_METHODS)[number];

/** The only key type defined by this protocol version (§4.1). */
export const SUPPORTED_KEY_TYPES = ['Ed25519'] as const;

/** The protocol version this model describes (§5.1.1). */
export const PROTOCOL_VERSION = '1.0-draft';
