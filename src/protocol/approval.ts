import { z } from 'zod';
import { UrlSchema } from './common.ts';

/** Fields every approval method carries (§7). */
const commonApprovalFields = {
  expires_in: z.number().nonnegative(),
  interval: z.number().nonnegative(),
  notification_url: UrlSchema.optional(),
};

export const DeviceAuthorizationApprovalSchema = z
  .looseObject({
    method: z.literal('device_authorization'),
    verification_uri: UrlSchema,
    verification_uri_complete: UrlSchema.optional(),
    user_code: z.string(),
    ...commonApprovalFields,
  })
  .describe('Device authorization approval object (§7, §7.1).');
export type DeviceAuthorizationApproval = z.infer<typeof DeviceAuthorizationApprovalSchema>;

export const CibaApprovalSchema = z
  .looseObject({
    method: z.literal('ciba'),
    binding_message: z.string().optional(),
    ...commonApprovalFields,
  })
  .describe('CIBA approval object (§7, §7.2).');
export type CibaApproval = z.infer<typeof CibaApprovalSchema>;

/** Any method name other than the two core ones; its extra fields are defined by its profile (§10.10.3). */
export const ExtensionApprovalSchema = z
  .looseObject({
    method: z
      .string()
      .regex(/^(?!(?:device_authorization|ciba)$).+$/)
      .describe('A server-defined approval method name.'),
    ...commonApprovalFields,
  })
  .describe('Approval object of a server-defined extension method (§7.4, §10.10.3).');
export type ExtensionApproval = z.infer<typeof ExtensionApprovalSchema>;

export const ApprovalSchema = z
  .union([DeviceAuthorizationApprovalSchema, CibaApprovalSchema, ExtensionApprovalSchema])
  .describe('Approval flow object returned when user consent is needed (§7, §7.5).');
export type Approval = z.infer<typeof ApprovalSchema>;
