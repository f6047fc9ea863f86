import { z } from 'zod';
import { JsonValueSchema } from './common.ts';
import { ConstraintValueSchema } from './constraints.ts';

/** Where an error code applies: every endpoint, every agent-authenticated one, or the listed endpoints. */
export type ErrorCodeScope = 'any' | 'agent-authenticated' | readonly string[];

export interface ErrorCodeInfo {
  /** HTTP statuses the spec pairs with this code. */
  readonly statuses: readonly number[];
  readonly scope: ErrorCodeScope;
  /** Sections whose tables list the code. */
  readonly sections: readonly string[];
}

/** Every error code the error tables of §5.11 and §5.13 define, with the statuses they pair it with. */
export const ERROR_CODES = {
  invalid_request: { statuses: [400], scope: 'any', sections: ['5.13', '5.11'] },
  unknown_constraint_operator: { statuses: [400], scope: 'any', sections: ['5.13', '5.11'] },
  invalid_jwt: { statuses: [401], scope: 'any', sections: ['5.13'] },
  agent_revoked: { statuses: [403], scope: 'any', sections: ['5.13', '5.11'] },
  agent_expired: { statuses: [403], scope: 'any', sections: ['5.13', '5.11'] },
  absolute_lifetime_exceeded: { statuses: [403], scope: 'any', sections: ['5.13'] },
  agent_pending: { statuses: [403], scope: 'any', sections: ['5.13'] },
  host_revoked: { statuses: [403], scope: 'any', sections: ['5.13'] },
  host_pending: { statuses: [403], scope: 'any', sections: ['5.13'] },
  unauthorized: { statuses: [403], scope: 'any', sections: ['5.13'] },
  rate_limited: { statuses: [429], scope: 'any', sections: ['5.13'] },
  internal_error: { statuses: [500], scope: 'any', sections: ['5.13'] },
  unsupported_mode: { statuses: [400], scope: ['POST /agent/register'], sections: ['5.13'] },
  unsupported_algorithm: {
    statuses: [400],
    scope: ['POST /agent/register', 'POST /agent/rotate-key', 'POST /host/rotate-key'],
    sections: ['5.13'],
  },
  invalid_capabilities: {
    statuses: [400],
    scope: ['POST /agent/register', 'POST /agent/request-capability'],
    sections: ['5.13'],
  },
  agent_exists: { statuses: [409], scope: ['POST /agent/register'], sections: ['5.13'] },
  already_granted: { statuses: [409], scope: ['POST /agent/request-capability'], sections: ['5.13'] },
  capability_not_granted: { statuses: [403], scope: 'agent-authenticated', sections: ['5.13', '5.11'] },
  constraint_violated: { statuses: [403], scope: 'agent-authenticated', sections: ['5.13', '5.11'] },
  limit_exceeded: { statuses: [403], scope: 'agent-authenticated', sections: ['5.13'] },
  agent_not_found: {
    statuses: [404],
    scope: ['POST /agent/reactivate', 'POST /agent/revoke', 'GET /agent/status'],
    sections: ['5.13'],
  },
  agent_rejected: { statuses: [403], scope: ['POST /agent/reactivate'], sections: ['5.13'] },
  agent_claimed: { statuses: [403], scope: ['POST /agent/reactivate'], sections: ['5.13'] },
  host_not_found: { statuses: [404], scope: ['POST /host/revoke'], sections: ['5.13'] },
  authentication_required: { statuses: [401], scope: ['GET /capability/list'], sections: ['5.13'] },
  capability_not_found: {
    statuses: [404],
    scope: ['GET /capability/describe', 'POST /capability/execute'],
    sections: ['5.13', '5.11'],
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ErrorCodeSchema = z
  .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
  .describe('An error code defined by §5.11 or §5.13.');

/**
 * Approval-flow codes borrowed from RFC 8628 §3.5 (and CIBA Core §13) that may also appear as the
 * `error` value (§5.13); the spec pairs no HTTP status with them.
 */
export const APPROVAL_ERROR_CODES = ['authorization_pending', 'slow_down', 'access_denied', 'expired_token'] as const;
export type ApprovalErrorCode = (typeof APPROVAL_ERROR_CODES)[number];

export function isKnownErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export const ConstraintViolationSchema = z
  .looseObject({
    field: z.string(),
    constraint: ConstraintValueSchema,
    actual: JsonValueSchema.optional(),
  })
  .describe('One violated constraint of a constraint_violated error (§5.11).');
export type ConstraintViolation = z.infer<typeof ConstraintViolationSchema>;

/** Servers may return codes beyond ERROR_CODES (§5.13), so `error` is any snake_case string. */
export const ErrorResponseSchema = z
  .looseObject({
    error: z.string().regex(/^[a-z0-9]+(?:_[a-z0-9]+)*$/),
    message: z.string(),
    violations: z.array(ConstraintViolationSchema).optional(),
    invalid_capabilities: z.array(z.string()).optional(),
    unknown_operators: z.array(z.string()).optional(),
  })
  .describe('Error object of every endpoint: snake_case code and human-readable message (§5.13).');
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
