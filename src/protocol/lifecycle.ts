import { z } from 'zod';
import { ApprovalSchema } from './approval.ts';
import { AgentModeSchema, AgentStatusSchema, DateTimeSchema, HostStatusSchema } from './common.ts';
import { GrantSchema } from './grants.ts';
import { PublicJwkSchema } from './jwk.ts';

const agentIdBody = { agent_id: z.string() };

/** Query parameters of GET /agent/status (§5.5). */
export const StatusQuerySchema = z.looseObject(agentIdBody).describe('Query parameters of GET /agent/status (§5.5).');
export type StatusQuery = z.infer<typeof StatusQuerySchema>;

/**
 * The agent view of §5.5. Optional timestamps and `user_id` also accept null because §3.2 types them
 * as nullable (§1.4.1).
 */
const agentViewFields = {
  agent_id: z.string(),
  host_id: z.string(),
  name: z.string(),
  mode: AgentModeSchema,
  agent_capability_grants: z.array(GrantSchema),
  user_id: z.string().nullable().optional(),
  activated_at: DateTimeSchema.nullable().optional(),
  created_at: DateTimeSchema,
  last_used_at: DateTimeSchema.nullable().optional(),
  expires_at: DateTimeSchema.nullable().optional(),
};

export const StatusResponseSchema = z
  .looseObject({ ...agentViewFields, status: AgentStatusSchema })
  .describe('Response of GET /agent/status: the agent and all its grants (§5.5, §3.2).');
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

export const ReactivateRequestSchema = z.looseObject(agentIdBody).describe('Body of POST /agent/reactivate (§5.6).');
export type ReactivateRequest = z.infer<typeof ReactivateRequestSchema>;

export const ReactivateActiveResponseSchema = z
  .looseObject({
    ...agentViewFields,
    status: z.literal('active'),
    activated_at: DateTimeSchema,
    expires_at: DateTimeSchema,
    approval: ApprovalSchema.optional(),
  })
  .describe('Reactivation response when the agent is active again (§5.6).');
export type ReactivateActiveResponse = z.infer<typeof ReactivateActiveResponseSchema>;

export const ReactivatePendingResponseSchema = z
  .looseObject({
    ...agentViewFields,
    status: z.literal('pending'),
    approval: ApprovalSchema,
  })
  .describe('Reactivation response when the host defaults need approval (§5.6).');
export type ReactivatePendingResponse = z.infer<typeof ReactivatePendingResponseSchema>;

export const ReactivateResponseSchema = z
  .discriminatedUnion('status', [ReactivateActiveResponseSchema, ReactivatePendingResponseSchema])
  .describe('Response of POST /agent/reactivate: the status fields plus activation data or approval (§5.6).');
export type ReactivateResponse = z.infer<typeof ReactivateResponseSchema>;

export const RevokeRequestSchema = z.looseObject(agentIdBody).describe('Body of POST /agent/revoke (§5.7).');
export type RevokeRequest = z.infer<typeof RevokeRequestSchema>;

export const RevokeResponseSchema = z
  .looseObject({ agent_id: z.string(), status: z.literal('revoked') })
  .describe('Response of POST /agent/revoke (§5.7).');
export type RevokeResponse = z.infer<typeof RevokeResponseSchema>;

export const RotateAgentKeyRequestSchema = z
  .looseObject({ agent_id: z.string(), public_key: PublicJwkSchema })
  .describe('Body of POST /agent/rotate-key (§5.8).');
export type RotateAgentKeyRequest = z.infer<typeof RotateAgentKeyRequestSchema>;

export const RotateAgentKeyResponseSchema = z
  .looseObject({ agent_id: z.string(), status: AgentStatusSchema })
  .describe('Response of POST /agent/rotate-key; status is expected to be active (§5.8).');
export type RotateAgentKeyResponse = z.infer<typeof RotateAgentKeyResponseSchema>;

export const RotateHostKeyRequestSchema = z
  .looseObject({ public_key: PublicJwkSchema })
  .describe('Body of POST /host/rotate-key (§5.9).');
export type RotateHostKeyRequest = z.infer<typeof RotateHostKeyRequestSchema>;

export const RotateHostKeyResponseSchema = z
  .looseObject({ host_id: z.string(), status: HostStatusSchema })
  .describe('Response of POST /host/rotate-key; status is expected to be active (§5.9).');
export type RotateHostKeyResponse = z.infer<typeof RotateHostKeyResponseSchema>;

export const RevokeHostResponseSchema = z
  .looseObject({
    host_id: z.string(),
    status: z.literal('revoked'),
    agents_revoked: z.number().int().nonnegative(),
  })
  .describe('Response of POST /host/revoke (§5.10).');
export type RevokeHostResponse = z.infer<typeof RevokeHostResponseSchema>;
