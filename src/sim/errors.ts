import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApprovalErrorCode, ErrorCode } from '../protocol/index.ts';

/** Codes of the operator control contract (spec/control-contract.md), answered only under /__control. */
const CONTROL_ERROR_CODES = ['nothing_pending', 'host_already_linked', 'user_not_found', 'not_supported'] as const;

/**
 * Codes for situations the spec gives no code for: a rejected host, an unknown async status URL, a
 * deployment's per-user agent cap (the code Better Auth uses).
 */
const UNSPECIFIED_SITUATION_CODES = ['host_rejected', 'job_not_found', 'agent_limit_reached'] as const;

/** A code no conforming server uses, answered only by the fault that breaks the error-code table. */
const FAULT_ONLY_CODES = ['unknown_capability'] as const;

/**
 * Every code the simulator answers with comes from the wire model's lists (§5.13 and the RFC 8628
 * polling codes) or one of the short lists above, so a typo cannot invent a code.
 */
export type SimErrorCode =
  | ErrorCode
  | ApprovalErrorCode
  | (typeof CONTROL_ERROR_CODES)[number]
  | (typeof UNSPECIFIED_SITUATION_CODES)[number]
  | (typeof FAULT_ONLY_CODES)[number];

/**
 * A protocol error answered in the §5.13 shape `{ error, message, ...extra }`. Route handlers and
 * verifiers throw it; the app's error handler turns it into the response.
 */
export class ProtocolError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: SimErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

export function invalidRequest(message: string, extra?: Record<string, unknown>): ProtocolError {
  return new ProtocolError(400, 'invalid_request', message, extra);
}

export function invalidJwt(message: string): ProtocolError {
  return new ProtocolError(401, 'invalid_jwt', message);
}

export function forbidden(code: SimErrorCode, message: string, extra?: Record<string, unknown>): ProtocolError {
  return new ProtocolError(403, code, message, extra);
}

export function notFound(code: SimErrorCode, message: string): ProtocolError {
  return new ProtocolError(404, code, message);
}
