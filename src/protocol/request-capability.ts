import { z } from 'zod';
import { ApprovalSchema } from './approval.ts';
import { CapabilityRequestItemSchema, GrantSchema, SettledGrantSchema } from './grants.ts';
import { approvalHintFields } from './registration.ts';

export const RequestCapabilityRequestSchema = z
  .looseObject({
    capabilities: z.array(CapabilityRequestItemSchema).min(1),
    ...approvalHintFields,
  })
  .describe('Body of POST /agent/request-capability (§5.4).');
export type RequestCapabilityRequest = z.infer<typeof RequestCapabilityRequestSchema>;

/**
 * Either no grant is pending (approval optional) or approval is present: together this states
 * "approval is present when any grant is pending" without a refinement (§5.4).
 */
export const RequestCapabilityResponseSchema = z
  .union([
    z.looseObject({
      agent_id: z.string(),
      agent_capability_grants: z.array(SettledGrantSchema),
      approval: ApprovalSchema.optional(),
    }),
    z.looseObject({
      agent_id: z.string(),
      agent_capability_grants: z.array(GrantSchema),
      approval: ApprovalSchema,
    }),
  ])
  .describe('Response of POST /agent/request-capability: the newly requested grants only (§5.4).');
export type RequestCapabilityResponse = z.infer<typeof RequestCapabilityResponseSchema>;
