/**
 * A tool failure reported to the agent as `{ error, message, ...details }` (the §5.13 shape, so a
 * server's error code reaches the agent unchanged).
 */
export class ToolError extends Error {
  override name = 'ToolError';

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

/** What a server answered, as far as error reporting needs it. */
export interface AnswerLike {
  status: number;
  json: unknown;
  headers: Headers;
}

/**
 * The tool error for a non-2xx answer: the server's error code and message with its extra members
 * (invalid_capabilities, violations, ...), plus the HTTP status. A body without an error code falls
 * back to the HTTP status (§5.13: unknown codes are handled by status).
 */
export function errorFromAnswer(answer: AnswerLike, what: string, extra: Record<string, unknown> = {}): ToolError {
  const body = isRecord(answer.json) ? answer.json : {};
  const { error, message, ...rest } = body;
  const code = typeof error === 'string' && error.length > 0 ? error : `http_${answer.status}`;
  const text = typeof message === 'string' ? message : `${what} answered HTTP ${answer.status}`;
  const details: Record<string, unknown> = { ...rest, http_status: answer.status, ...extra };
  const retryAfter = answer.headers.get('retry-after');
  if (answer.status === 429 && retryAfter !== null) details.retry_after = retryAfter;
  return new ToolError(code, `${what}: ${text}`, details);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
