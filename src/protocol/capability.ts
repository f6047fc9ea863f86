import { z } from 'zod';
import { EmbeddedJsonSchemaSchema, UrlSchema } from './common.ts';

/** Per-agent grant status shown on capability listings authenticated with an agent JWT (§5.2). */
export const CapabilityGrantStatusSchema = z
  .enum(['granted', 'not_granted'])
  .describe('Whether the calling agent holds a grant for the capability (§2.12, §5.2).');
export type CapabilityGrantStatus = z.infer<typeof CapabilityGrantStatusSchema>;

export const CapabilitySummarySchema = z
  .looseObject({
    name: z.string(),
    description: z.string(),
    grant_status: CapabilityGrantStatusSchema.optional(),
  })
  .describe('Capability entry of the lightweight listing (§2.12, §5.2).');
export type CapabilitySummary = z.infer<typeof CapabilitySummarySchema>;

export const CapabilitySchema = z
  .looseObject({
    name: z.string(),
    description: z.string(),
    location: UrlSchema.optional(),
    input: EmbeddedJsonSchemaSchema.optional(),
    output: EmbeddedJsonSchemaSchema.optional(),
    grant_status: CapabilityGrantStatusSchema.optional(),
  })
  .describe('Full capability object, also the describe response (§2.12, §5.2.1).');
export type Capability = z.infer<typeof CapabilitySchema>;

export const CapabilityListResponseSchema = z
  .looseObject({
    capabilities: z.array(CapabilitySummarySchema),
    next_cursor: z.string().nullable().optional(),
    has_more: z.boolean().optional(),
  })
  .describe('Response of GET /capability/list (§5.2).');
export type CapabilityListResponse = z.infer<typeof CapabilityListResponseSchema>;

/** Query parameters of GET /capability/list as received in the URL, hence all strings (§5.2). */
export const CapabilityListQuerySchema = z
  .looseObject({
    query: z.string().optional(),
    cursor: z.string().optional(),
    limit: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
  })
  .describe('Query parameters of GET /capability/list (§5.2).');
export type CapabilityListQuery = z.infer<typeof CapabilityListQuerySchema>;

export const DescribeCapabilityQuerySchema = z
  .looseObject({ name: z.string().min(1) })
  .describe('Query parameters of GET /capability/describe (§5.2.1).');
export type DescribeCapabilityQuery = z.infer<typeof DescribeCapabilityQuerySchema>;
