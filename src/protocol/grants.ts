import { z } from 'zod';
import { DateTimeSchema, EmbeddedJsonSchemaSchema, GrantStatusSchema } from './common.ts';
import { ConstraintsSchema } from './constraints.ts';

/** A requested capability: a bare name (unconstrained) or a name with proposed constraints (§5.3, §5.4). */
export const CapabilityRequestItemSchema = z
  .union([
    z.string(),
    z.looseObject({
      name: z.string(),
      constraints: ConstraintsSchema.optional(),
    }),
  ])
  .describe('Requested capability: name string or {name, constraints} object (§5.3, §5.4, §2.13).');
export type CapabilityRequestItem = z.infer<typeof CapabilityRequestItemSchema>;

/** Grant-record fields of §3.3 that any full grant object may carry; all are nullable and optional. */
const grantRecordFields = {
  capability: z.string(),
  granted_by: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  expires_at: DateTimeSchema.nullable().optional(),
};

/** Capability details (§2.12) belong to active grants only (§5.3). */
const noCapabilityDetails = {
  description: z.never().optional(),
  input: z.never().optional(),
  output: z.never().optional(),
};

export const ActiveGrantSchema = z
  .looseObject({
    ...grantRecordFields,
    status: z.literal('active'),
    constraints: ConstraintsSchema.nullable().optional(),
    description: z.string().optional(),
    input: EmbeddedJsonSchemaSchema.optional(),
    output: EmbeddedJsonSchemaSchema.optional(),
  })
  .describe('Active grant: grant fields plus capability details; constraints are the effective scope (§5.3, §3.3).');
export type ActiveGrant = z.infer<typeof ActiveGrantSchema>;

export const PendingGrantSchema = z
  .looseObject({
    ...grantRecordFields,
    ...noCapabilityDetails,
    status: z.literal('pending'),
  })
  .describe('Pending grant: capability and status, without capability details (§5.3).');
export type PendingGrant = z.infer<typeof PendingGrantSchema>;

export const DeniedGrantSchema = z
  .looseObject({
    ...grantRecordFields,
    ...noCapabilityDetails,
    status: z.literal('denied'),
    denied_by: z.string().nullable().optional(),
  })
  .describe('Denied grant: capability, status and an optional human-readable reason (§5.3, §5.5).');
export type DeniedGrant = z.infer<typeof DeniedGrantSchema>;

export const GrantSchema = z
  .discriminatedUnion('status', [ActiveGrantSchema, PendingGrantSchema, DeniedGrantSchema])
  .describe('Capability grant object of registration, status, reactivation and request-capability responses (§5.3).');
export type Grant = z.infer<typeof GrantSchema>;

/** A grant that is not pending; used to express "approval present when any grant is pending". */
export const SettledGrantSchema = z
  .discriminatedUnion('status', [ActiveGrantSchema, DeniedGrantSchema])
  .describe('Active or denied grant (§5.3).');
export type SettledGrant = z.infer<typeof SettledGrantSchema>;

export const CompactGrantSchema = z
  .looseObject({
    capability: z.string(),
    status: GrantStatusSchema,
    ...noCapabilityDetails,
    constraints: z.never().optional(),
  })
  .describe('Compact grant of introspection responses: capability and status only (§5.12).');
export type CompactGrant = z.infer<typeof CompactGrantSchema>;
