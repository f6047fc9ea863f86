import { maxHeaderSize } from 'node:http';
import { bearerToken, decodeForDisplay, displayBody, displayRequestBody } from './exchange.ts';
import type { Exchange, ExchangeError, ExchangeErrorKind } from '../model/index.ts';
import { SseParser } from './sse.ts';

export const CHECK_HEADER = 'X-Conformance-Check';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpDriverOptions {
  /** Hard deadline per request, covering connection, headers and the whole body. */
  timeoutMs?: number;
  /** Responses larger than this are aborted (error `too-large`). */
  maxResponseBytes?: number;
  /** Added to every request (from `--header`). */
  extraHeaders?: Record<string, string>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Serialized as JSON with `Content-Type: application/json` unless a content type is given. */
  json?: unknown;
  /** Sent verbatim (for malformed bodies); wins over `json`. */
  body?: string;
  /** Sets `Authorization: Bearer <token>`. */
  token?: string;
  /** What the request is for, shown in reports. */
  label?: string;
}

/** What a harness call returns: the recorded exchange plus the parts checks look at most. */
export interface HttpResult {
  exchange: Exchange;
  /** HTTP status, or 0 when no response arrived (see `error`). */
  status: number;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  /** Response body text (cut at 64 KiB). */
  body: string;
  /** Parsed JSON body, unvalidated: validate (e.g. `t.expectJson`) before trusting its shape. */
  // biome-ignore lint/suspicious/noExplicitAny: checks read answers loosely and validate (t.expectJson) before trusting a shape
  json: any;
  /** Transport failure (timeout, refused, too large, ...), if any. */
  error?: ExchangeError;
}

/** Thrown by a session whose check was stopped: ends the check's code at its next request. */
export class CheckAbortedError extends Error {
  override name = 'CheckAbortedError';
}

/** Shared HTTP configuration; hands out one recording session per check. */
export class HttpDriver {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly extraHeaders: Readonly<Record<string, string>>;

  constructor(options: HttpDriverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.extraHeaders = { ...options.extraHeaders };
  }

  /**
   * Decides which URLs may receive a bearer token; a request carrying one elsewhere is recorded and
   * not sent (credential-policy.ts). Absent: no restriction (before discovery names the issuer).
   */
  credentialPolicy: ((url: URL) => boolean) | undefined;

  session(checkId: string, signal?: AbortSignal): HttpSession {
    return new HttpSession(this, checkId, signal);
  }
}

/** Sends requests on behalf of one check and records every exchange. Never throws for server behaviour. */
export class HttpSession {
  readonly exchanges: Exchange[] = [];

  constructor(
    private readonly driver: HttpDriver,
    readonly checkId: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** Requests started so far: sequence numbers are handed out when a request starts. */
  private started = 0;

  /**
   * Sends one request. Requests may overlap (checks of concurrency send several at once): each gets
   * its own sequence number when it starts, and `exchanges` stays ordered by sequence number.
   */
  async send(request: HttpRequest): Promise<HttpResult> {
    if (this.signal?.aborted) throw new CheckAbortedError(`check ${this.checkId} was stopped`);
    this.started += 1;
    const result = await perform(this.driver, this.checkId, this.started, request, this.signal);
    const seq = result.exchange.seq;
    let index = this.exchanges.length;
    while (index > 0 && (this.exchanges[index - 1] as Exchange).seq > seq) index -= 1;
    this.exchanges.splice(index, 0, result.exchange);
    return result;
  }
}

/** Header names whose values are credentials whoever set them. */
const SECRET_HEADER = /^(cookie|proxy-authorization|x-api-key|api-key)$|secret|token|password|apikey|api_key/i;
export const REDACTED = '[redacted]';

/**
 * The request headers as reports show them: values the user gave with --header, cookies and API
 * keys are replaced by a marker, so no secret of the user lands in a report. The harness's own JWTs
 * and the malformed Authorization values of negative probes stay: they are the evidence (decoded
 * beside the request), carry no secret of the user, and expire within a minute.
 */
function recordedHeaders(driver: HttpDriver, headers: Record<string, string>): Record<string, string> {
  // What the user gave with --header, by lower-cased name: a value sent as given is theirs.
  const given = new Map(Object.entries(driver.extraHeaders).map(([name, value]) => [name.toLowerCase(), value]));
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const secret = SECRET_HEADER.test(lower) || given.get(lower) === value;
    shown[name] = secret ? REDACTED : value;
  }
  return shown;
}

function buildHeaders(driver: HttpDriver, checkId: string, request: HttpRequest, body: string | undefined) {
  const headers: Record<string, string> = { ...driver.extraHeaders };
  if (request.token !== undefined) headers['Authorization'] = `Bearer ${request.token}`;
  const given = request.headers ?? {};
  const hasContentType = Object.keys(given).some((name) => name.toLowerCase() === 'content-type');
  if (body !== undefined && request.body === undefined && !hasContentType) headers['Content-Type'] = 'application/json';
  Object.assign(headers, given);
  headers[CHECK_HEADER] = checkId;
  return headers;
}

async function perform(
  driver: HttpDriver,
  checkId: string,
  seq: number,
  request: HttpRequest,
  checkSignal: AbortSignal | undefined,
): Promise<HttpResult> {
  const body = request.body ?? (request.json === undefined ? undefined : JSON.stringify(request.json));
  const headers = buildHeaders(driver, checkId, request, body);
  const shownBody = body === undefined ? undefined : displayRequestBody(body);
  const exchange: Exchange = {
    seq,
    check: checkId,
    started_at: new Date().toISOString(),
    duration_ms: 0,
    request: { method: request.method, url: request.url, headers: recordedHeaders(driver, headers) },
  };
  if (request.label !== undefined) exchange.label = request.label;
  if (shownBody !== undefined) exchange.request.body = shownBody;
  const token = bearerToken(headerValue(headers, 'authorization'));
  if (token !== undefined) exchange.request.jwt = decodeForDisplay(token);

  const started = performance.now();
  const deadline = new Deadline(driver.timeoutMs, checkSignal);
  let received: Received = { body: '', json: undefined };
  try {
    received = await transfer(driver, exchange, request.method, headers, body, deadline);
  } finally {
    deadline.clear();
    exchange.duration_ms = Math.round(performance.now() - started);
  }
  const result: HttpResult = {
    exchange,
    status: exchange.response?.status ?? 0,
    headers: exchange.response?.headers ?? {},
    body: received.body,
    json: received.json,
  };
  if (exchange.error) result.error = exchange.error;
  return result;
}

/** What checks read of a response beside the recorded exchange (which stores each body once). */
interface Received {
  body: string;
  json: unknown;
}

/** Aborts the fetch when the per-request deadline elapses or the check is stopped; remembers which. */
class Deadline {
  readonly controller = new AbortController();
  reason: 'timeout' | 'aborted' | 'too-large' | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onCheckAbort = () => this.abort('aborted');

  constructor(
    readonly timeoutMs: number,
    private readonly checkSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.abort('timeout'), timeoutMs);
    checkSignal?.addEventListener('abort', this.onCheckAbort, { once: true });
  }

  abort(reason: 'timeout' | 'aborted' | 'too-large'): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller.abort();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.checkSignal?.removeEventListener('abort', this.onCheckAbort);
  }
}

async function transfer(
  driver: HttpDriver,
  exchange: Exchange,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  deadline: Deadline,
): Promise<Received> {
  const nothing: Received = { body: '', json: undefined };
  let response: Response;
  let url: URL;
  try {
    url = new URL(exchange.request.url);
  } catch {
    exchange.error = { kind: 'invalid-url', message: `not an absolute URL: ${exchange.request.url}` };
    return nothing;
  }
  if (headerValue(headers, 'authorization') !== undefined && driver.credentialPolicy?.(url) === false) {
    exchange.error = {
      kind: 'withheld-credential',
      message: `not sent: ${url.origin} is not an origin the harness sends credentials to (the issuer's, default_location's, a capability location's, or one the profile lists in credentialOrigins)`,
    };
    return nothing;
  }
  try {
    const init: RequestInit = { method, headers, redirect: 'manual', signal: deadline.controller.signal };
    if (body !== undefined) init.body = body;
    response = await fetch(exchange.request.url, init);
  } catch (error) {
    exchange.error = transportError(error, deadline);
    return nothing;
  }

  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  const isEventStream = (responseHeaders['content-type'] ?? '').toLowerCase().startsWith('text/event-stream');
  const read = await readBody(response, driver.maxResponseBytes, deadline, isEventStream ? new SseParser() : undefined);
  const shown = displayBody(read.bytes, read.totalBytes, read.complete);
  exchange.response = {
    status: response.status,
    headers: responseHeaders,
    body_bytes: read.totalBytes,
    truncated: shown.truncated,
  };
  const received: Received = { body: shown.text, json: undefined };
  if (read.complete && !isEventStream) received.json = parseJson(new TextDecoder().decode(read.bytes));
  if (read.sse) {
    // The parsed events are the stream's record; its raw text is not stored a second time.
    exchange.response.events = read.sse.events;
    if (read.sse.dropped > 0) exchange.response.events_dropped = read.sse.dropped;
    if (read.sse.done) exchange.response.stream_end = 'done';
    else if (read.complete) exchange.response.stream_end = 'closed';
  } else {
    exchange.response.body = shown.text;
  }
  if (read.error) exchange.error = read.error;
  return received;
}

interface BodyRead {
  bytes: Uint8Array;
  totalBytes: number;
  /** The body was read to its end (or, for an event stream, to its `done` event). */
  complete: boolean;
  sse?: SseParser;
  error?: ExchangeError;
}

async function readBody(
  response: Response,
  maxBytes: number,
  deadline: Deadline,
  sse: SseParser | undefined,
): Promise<BodyRead> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    deadline.abort('too-large');
    await response.body?.cancel().catch(() => undefined);
    return {
      bytes: new Uint8Array(),
      totalBytes: 0,
      complete: false,
      error: { kind: 'too-large', message: `declared Content-Length ${declared} exceeds the ${maxBytes}-byte cap` },
    };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const decoder = new TextDecoder();
  const result = (complete: boolean, error?: ExchangeError): BodyRead => {
    const read: BodyRead = { bytes: concat(chunks), totalBytes: total, complete };
    if (sse) read.sse = sse;
    if (error) read.error = error;
    return read;
  };
  if (response.body === null) return result(true);
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        sse?.push(decoder.decode());
        sse?.end();
        return result(true);
      }
      total += value.byteLength;
      if (total > maxBytes) {
        deadline.abort('too-large');
        return result(false, { kind: 'too-large', message: `response exceeded the ${maxBytes}-byte cap` });
      }
      chunks.push(value);
      if (sse?.push(decoder.decode(value, { stream: true }))) {
        // Clients close the stream after `done` (§5.11); do not wait for the server to close it.
        await reader.cancel().catch(() => undefined);
        return result(true);
      }
    }
  } catch (error) {
    return result(false, transportError(error, deadline));
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function transportError(error: unknown, deadline: Deadline): ExchangeError {
  if (deadline.reason === 'timeout') {
    return { kind: 'timeout', message: `no complete response within ${deadline.timeoutMs} ms` };
  }
  if (deadline.reason === 'aborted') return { kind: 'aborted', message: 'the check was stopped' };
  if (deadline.reason === 'too-large') return { kind: 'too-large', message: 'response exceeded the size cap' };
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? '';
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    // fetch's parser gives up at Node's header limit (--max-http-header-size) with a bare "Headers
    // Overflow Error"; say which limit the target's header block went past.
    return {
      kind: 'too-large',
      message: `response headers exceeded the ${maxHeaderSize}-byte limit on a header block (${code})`,
    };
  }
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  const kind: ExchangeErrorKind =
    code === 'ECONNREFUSED'
      ? 'connection-refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'dns'
        : code === 'ECONNRESET' ||
            code === 'UND_ERR_SOCKET' ||
            code === 'EPIPE' ||
            /closed|reset|terminated/i.test(message)
          ? 'connection-closed'
          : 'network';
  return { kind, message: code ? `${code}: ${message}` : message };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
