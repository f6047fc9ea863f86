import { z } from 'zod';
import { AgentModeSchema, DateTimeSchema } from './common.ts';
import { CompactGrantSchema } from './grants.ts';

export const IntrospectRequestSchema = z
  .looseObject({ token: z.string() })
  .describe('Body of POST /agent/introspect (§5.12).');
export type IntrospectRequest = z.infer<typeof IntrospectRequestSchema>;

export const IntrospectActiveResponseSchema = z
  .looseObject({
    active: z.literal(true),
    agent_id: z.string(),
    host_id: z.string(),
    user_id: z.string().nullable().optional(),
    agent_capability_grants: z.array(CompactGrantSchema),
    mode: AgentModeSchema,
    expires_at: DateTimeSchema.nullable().optional(),
  })
  .describe('Introspection of a valid token of an active agent (§5.12).');
export type IntrospectActiveResponse = z.infer<typeof IntrospectActiveResponseSchema>;

/** The agent fields are present only for active tokens (§5.12), so an inactive answer reveals nothing. */
export const IntrospectInactiveResponseSchema = z
  .looseObject({
    active: z.literal(false),
    agent_id: z.never().optional(),
    host_id: z.never().optional(),
    user_id: z.never().optional(),
    agent_capability_grants: z.never().optional(),
    mode: z.never().optional(),
    expires_at: z.never().optional(),
  })
  .describe('Introspection of a token that is not valid for any reason (§5.12).');
export type IntrospectInactiveResponse = z.infer<typeof IntrospectInactiveResponseSchema>;

export const IntrospectResponseSchema = z
  .discriminatedUnion('active', [IntrospectActiveResponseSchema, IntrospectInactiveResponseSchema])
  .describe('Response of POST /agent/introspect (§5.12).');
export type IntrospectResponse = z.infer<typeof IntrospectResponseSchema>;
