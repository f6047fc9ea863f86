import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A protocol error answered in the §5.13 shape `{ error, message, ...extra }`. Route handlers and
 * verifiers throw it; the app's error handler turns it into the response.
 */
export class ProtocolError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
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

export function forbidden(code: string, message: string, extra?: Record<string, unknown>): ProtocolError {
  return new ProtocolError(403, code, message, extra);
}

export function notFound(code: string, message: string): ProtocolError {
  return new ProtocolError(404, code, message);
}
