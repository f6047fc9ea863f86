import { z } from 'zod';
import { decodeJwtUnverified } from '../jose/index.ts';

/** Response bodies are shown up to this many bytes; the rest is replaced by a marker. */
export const DISPLAY_BODY_LIMIT = 64 * 1024;

export const EXCHANGE_ERROR_KINDS = [
  'timeout', // the per-request deadline elapsed (headers or body)
  'connection-refused',
  'connection-closed', // the server closed or reset the socket mid-exchange
  'too-large', // the response exceeded the size cap
  'dns',
  'aborted', // the check was stopped (its overall deadline elapsed)
  'invalid-url',
  'network', // any other transport failure
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
      /** Body text, cut at 64 KiB with a marker. */
      body: z.string(),
      body_bytes: z.number().int().nonnegative(),
      truncated: z.boolean(),
      json: z.unknown().optional(),
      /** Server-Sent Events parsed from a text/event-stream body. */
      events: z.array(SseEventSchema).optional(),
      /** How an event stream ended: a `done` event, or the server closing it. */
      stream_end: z.enum(['done', 'closed']).optional(),
    })
    .optional(),
  error: z.object({ kind: z.enum(EXCHANGE_ERROR_KINDS), message: z.string() }).optional(),
  /** A shell line replaying the request. */
  curl: z.string(),
});
export type Exchange = z.infer<typeof ExchangeSchema>;
export type ExchangeError = NonNullable<Exchange['error']>;
export type ExchangeResponse = NonNullable<Exchange['response']>;

/** Quotes a value for a POSIX shell: single quotes, with embedded quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function curlLine(method: string, url: string, headers: Record<string, string>, body?: string): string {
  const parts = ['curl', '-sS', '-i'];
  if (method !== 'GET' || body !== undefined) parts.push('-X', shellQuote(method));
  parts.push(shellQuote(url));
  for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
  if (body !== undefined) parts.push('--data-raw', shellQuote(body));
  return parts.join(' ');
}

/** The bearer token of an Authorization header value, if it carries one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Header and claims of a bearer token, with private key material (`d`) redacted. */
export function decodeForDisplay(token: string): DecodedJwtView {
  const decoded = decodeJwtUnverified(token);
  const view: DecodedJwtView = {};
  if (decoded.header !== undefined) view.header = redactPrivateKeys(decoded.header) as Record<string, unknown>;
  if (decoded.claims !== undefined) view.claims = redactPrivateKeys(decoded.claims) as Record<string, unknown>;
  if (decoded.error !== undefined) view.error = decoded.error;
  return view;
}

export const REDACTED = '[redacted private key material]';

/** A copy of `value` where every JWK-like object (one with `kty`) loses its private `d` member. */
export function redactPrivateKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPrivateKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, member]): [string, unknown] => {
    if (key === 'd' && 'kty' in value) return [key, REDACTED];
    return [key, redactPrivateKeys(member)];
  });
  return Object.fromEntries(entries);
}

/** The request body as shown in reports: JSON bodies lose private key material, others are kept. */
export function displayRequestBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const redacted = redactPrivateKeys(parsed);
  return JSON.stringify(redacted) === JSON.stringify(parsed) ? body : JSON.stringify(redacted);
}

/** Decodes the first DISPLAY_BODY_LIMIT bytes of a body, appending a marker when cut. */
export function displayBody(bytes: Uint8Array, totalBytes: number, complete: boolean): { text: string; truncated: boolean } {
  const shown = bytes.subarray(0, DISPLAY_BODY_LIMIT);
  const text = new TextDecoder().decode(shown);
  if (totalBytes > shown.length || !complete) {
    const what = complete ? `${totalBytes} bytes in total` : `more than ${totalBytes} bytes, not read to the end`;
    return { text: `${text}\n…[truncated: ${what}]`, truncated: true };
  }
  return { text, truncated: false };
}

/** One-line description of an exchange for failure messages: `POST http://… → 403`. */
export function describeExchange(exchange: Exchange): string {
  const outcome = exchange.error
    ? `${exchange.error.kind}: ${exchange.error.message}`
    : `${exchange.response?.status ?? '?'}`;
  return `${exchange.request.method} ${exchange.request.url} → ${outcome}`;
}
