import { z } from 'zod';
import {
  CibaApprovalSchema,
  DeviceAuthorizationApprovalSchema,
  ExtensionApprovalSchema,
  type Approval,
  type CheckContext,
} from '../../../src/harness/api.ts';

/** Validating parts of answers: any part against a schema, approval objects against their method's fields (§7). */

/** Fails unless `value` (a part of a response body) matches `schema`, listing every issue. */
export function expectShape<T>(t: CheckContext, value: unknown, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) t.fail(`${what} does not match the expected shape:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Validates an approval object against the field table of the method it names (§7). */
export function expectApproval(t: CheckContext, value: unknown, what: string): Approval {
  t.expect(typeof value === 'object' && value !== null, `${what}: no approval object (§7)`);
  const method: unknown = (value as { method?: unknown }).method;
  t.expect(typeof method === 'string', `${what}: the approval object has no method string (§7)`);
  const schema =
    method === 'device_authorization'
      ? DeviceAuthorizationApprovalSchema
      : method === 'ciba'
        ? CibaApprovalSchema
        : ExtensionApprovalSchema;
  return expectShape(t, value, schema, `${what} (method ${method}, §7)`);
}
