import { z } from 'zod';

export const EXCHANGE_ERROR_KINDS = [
  'timeout', // the per-request deadline elapsed (headers or body)
  'connection-refused',
  'connection-closed', // the server closed or reset the socket mid-exchange
  'too-large', // the response exceeded the size cap
  'dns',
  'aborted', // the check was stopped (its overall deadline elapsed)
  'invalid-url',
  'network', // any other transport failure
  'withheld-credential', // not sent: it carried a token for an origin credentials do not go to
] as const;
export type ExchangeErrorKind = (typeof EXCHANGE_ERROR_KINDS)[number];

export const DecodedJwtSchema = z.object({
  header: z.record(z.string(), z.unknown()).optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});
export type DecodedJwtView = z.infer<typeof DecodedJwtSchema>;

export const SseEventSchema = z.object({
  event: z.string(),
  data: z.string(),
  id: z.string().optional(),
});
export type SseEvent = z.infer<typeof SseEventSchema>;

/**
 * One HTTP request and what came back, as reports keep it. Every body is stored once: JSON bodies as
 * text (a reader parses them), event streams as their parsed events.
 */
export const ExchangeSchema = z.object({
  /** 1-based position of the exchange within its check. */
  seq: z.number().int().positive(),
  check: z.string(),
  /** What the harness meant to do, e.g. `register`, `status`, `control approve`. */
  label: z.string().optional(),
  started_at: z.string(),
  duration_ms: z.number().nonnegative(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
    /** The bearer token of the Authorization header, decoded without verification. */
    jwt: DecodedJwtSchema.optional(),
  }),
  /** Present whenever response headers arrived, even if the body later failed. */
  response: z
    .object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      /** Body text, cut at 64 KiB with a marker; absent for an event stream (see `events`). */
      body: z.string().optional(),
      body_bytes: z.number().int().nonnegative(),
      truncated: z.boolean(),
      /** Server-Sent Events parsed from a text/event-stream body (the first MAX_KEPT_EVENTS of them). */
      events: z.array(SseEventSchema).optional(),
      /** Events the stream carried beyond those kept in `events`. */
      events_dropped: z.number().int().positive().optional(),
      /** How an event stream ended: a `done` event, or the server closing it. */
      stream_end: z.enum(['done', 'closed']).optional(),
    })
    .optional(),
  error: z.object({ kind: z.enum(EXCHANGE_ERROR_KINDS), message: z.string() }).optional(),
});
export type Exchange = z.infer<typeof ExchangeSchema>;
export type ExchangeError = NonNullable<Exchange['error']>;
export type ExchangeResponse = NonNullable<Exchange['response']>;

/** Quotes a value for a POSIX shell: single quotes, with embedded quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A shell line replaying the request of an exchange. */
export function curlLine(request: Exchange['request']): string {
  const parts = ['curl', '-sS', '-i'];
  if (request.method !== 'GET' || request.body !== undefined) parts.push('-X', shellQuote(request.method));
  parts.push(shellQuote(request.url));
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
  if (request.body !== undefined) parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}

/** The response body of an exchange parsed as JSON, if it is JSON. */
export function responseJson(exchange: Exchange): unknown {
  const body = exchange.response?.body;
  if (body === undefined || body.trim() === '' || exchange.response?.truncated) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** One-line description of an exchange for failure messages: `POST http://… → 403`. */
export function describeExchange(exchange: Exchange): string {
  const outcome = exchange.error
    ? `${exchange.error.kind}: ${exchange.error.message}`
    : `${exchange.response?.status ?? '?'}`;
  return `${exchange.request.method} ${exchange.request.url} → ${outcome}`;
}
