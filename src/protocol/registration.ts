import { z } from 'zod';
import { ApprovalSchema } from './approval.ts';
import { AgentModeSchema } from './common.ts';
import { CapabilityRequestItemSchema, GrantSchema } from './grants.ts';

/** Optional approval hints shared by registration and capability requests (§5.3, §5.4, §7.5). */
export const approvalHintFields = {
  reason: z.string().optional(),
  preferred_method: z.string().optional(),
  login_hint: z.string().optional(),
  binding_message: z.string().optional(),
};

export const RegisterRequestSchema = z
  .looseObject({
    name: z.string(),
    host_name: z.string().optional(),
    capabilities: z.array(CapabilityRequestItemSchema).optional(),
    mode: AgentModeSchema.optional(),
    ...approvalHintFields,
  })
  .describe('Body of POST /agent/register (§5.3).');
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

const registeredAgentFields = {
  agent_id: z.string(),
  host_id: z.string(),
  name: z.string(),
  mode: AgentModeSchema,
  agent_capability_grants: z.array(GrantSchema),
};

export const RegisterActiveResponseSchema = z
  .looseObject({
    ...registeredAgentFields,
    status: z.literal('active'),
    approval: ApprovalSchema.optional(),
  })
  .describe('Registration response for an agent that is active right away (§5.3).');
export type RegisterActiveResponse = z.infer<typeof RegisterActiveResponseSchema>;

export const RegisterPendingResponseSchema = z
  .looseObject({
    ...registeredAgentFields,
    status: z.literal('pending'),
    approval: ApprovalSchema,
  })
  .describe('Registration response for an agent awaiting approval; carries the approval object (§5.3).');
export type RegisterPendingResponse = z.infer<typeof RegisterPendingResponseSchema>;

export const RegisterResponseSchema = z
  .discriminatedUnion('status', [RegisterActiveResponseSchema, RegisterPendingResponseSchema])
  .describe('Response of POST /agent/register (§5.3).');
export type RegisterResponse = z.infer<typeof RegisterResponseSchema>;
