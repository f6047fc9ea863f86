import { LIMITS } from './config.ts';
import type { ClientFaultSet } from './faults.ts';
import { ToolError } from './tool-error.ts';
import { sameOrigin, type UrlPolicy } from './url-policy.ts';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Serialized as the JSON body. */
  json?: unknown;
  accept?: string;
  /** Lift the https rule for this request and its redirects (fault injection only). */
  allowAnyHttp?: boolean;
}

export interface HttpAnswer {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, undefined when it is not JSON. */
  json: unknown;
}

/** A response whose headers have arrived; its body is read whole (`text`) or as it arrives (`chunks`). */
export interface HttpStream {
  url: string;
  status: number;
  headers: Headers;
  /** The whole body, within the request's deadline and byte cap. */
  text(): Promise<string>;
  /** The body as text chunks, on the (longer) stream deadline; a TransportError past the byte cap. */
  chunks(): AsyncGenerator<string>;
  /** Closes the connection (idempotent). */
  close(): void;
}

/** The request never got a usable answer: timeout, refused connection, oversized body, refused redirect. */
export class TransportError extends ToolError {
  override name = 'TransportError';
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The client's only way onto the network. Every URL, redirect targets included, passes the URL
 * policy; every request has a deadline and every body a byte cap (§8.12); redirects are followed at
 * most three times, and never to another origin while carrying a token (§8.18: a signed JWT is
 * presented to one server only).
 */
export class HttpClient {
  constructor(
    private readonly policy: UrlPolicy,
    private readonly faults: ClientFaultSet,
  ) {}

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const deadline = new Deadline(LIMITS.requestTimeoutMs, request.url);
    try {
      const { response, url } = await this.fetchFollowing(request, deadline.signal);
      const bytes = await readCapped(response, url);
      const text = new TextDecoder().decode(bytes);
      return { url, status: response.status, headers: response.headers, text, json: parseJson(text) };
    } catch (error) {
      throw deadline.explain(error);
    } finally {
      deadline.clear();
    }
  }

  async open(request: HttpRequest): Promise<HttpStream> {
    const deadline = new Deadline(LIMITS.requestTimeoutMs, request.url);
    let fetched: { response: Response; url: string };
    try {
      fetched = await this.fetchFollowing(request, deadline.signal);
    } catch (error) {
      deadline.clear();
      throw deadline.explain(error);
    }
    const { response, url } = fetched;
    const close = () => {
      deadline.clear();
      deadline.abortQuietly();
    };
    async function text(): Promise<string> {
      try {
        return new TextDecoder().decode(await readCapped(response, url));
      } catch (error) {
        throw deadline.explain(error);
      } finally {
        deadline.clear();
      }
    }
    async function* chunks(): AsyncGenerator<string> {
      // A stream may run longer than one request: it gets its own deadline from here on.
      deadline.restart(LIMITS.streamTimeoutMs);
      const body = response.body;
      if (body === null) return;
      const reader = body.getReader();
      const decoder = new TextDecoder();
      let total = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > LIMITS.maxResponseBytes) {
            throw new TransportError(
              'response_too_large',
              `the stream from ${url} exceeded ${LIMITS.maxResponseBytes} bytes`,
            );
          }
          yield decoder.decode(value, { stream: true });
        }
        const rest = decoder.decode();
        if (rest.length > 0) yield rest;
      } catch (error) {
        throw deadline.explain(error);
      } finally {
        reader.releaseLock();
      }
    }
    return { url, status: response.status, headers: response.headers, text, chunks, close };
  }

  private async fetchFollowing(
    request: HttpRequest,
    signal: AbortSignal,
  ): Promise<{ response: Response; url: string }> {
    const allowAnyHttp = request.allowAnyHttp === true;
    let url = this.policy.require(request.url, 'request URL', { allowAnyHttp }).href;
    let method: string = request.method;
    let body = request.json === undefined ? undefined : JSON.stringify(request.json);
    const maxRedirects = this.faults.has('follows-many-redirects') ? 20 : LIMITS.maxRedirects;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const init: RequestInit = { method, headers, redirect: 'manual', signal };
      if (body !== undefined) init.body = body;
      const response = await fetch(url, init);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return { response, url };
      await response.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects)
        throw new TransportError('too_many_redirects', `more than ${maxRedirects} redirects from ${request.url}`);
      const next = this.policy.require(new URL(location, url).href, 'redirect target', { allowAnyHttp });
      const crossOrigin = !sameOrigin(next, url);
      if (request.token !== undefined && crossOrigin && !this.faults.has('forwards-token-on-cross-origin-redirect')) {
        throw new TransportError(
          'refused_redirect',
          `${url} redirected to another origin (${next.origin}); a token is never presented to a second server`,
        );
      }
      if (response.status === 303 || (method === 'POST' && (response.status === 301 || response.status === 302))) {
        method = 'GET';
        body = undefined;
      }
      url = next.href;
    }
  }
}

/** One request's abort controller, with the reason it fired (timeout) kept for the error. */
class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(
    timeoutMs: number,
    private readonly url: string,
  ) {
    this.restart(timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart(timeoutMs: number): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  abortQuietly(): void {
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  explain(error: unknown): ToolError {
    if (error instanceof ToolError) return error;
    if (this.timedOut) return new TransportError('timeout', `no complete answer from ${this.url} in time`);
    const cause =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return new TransportError('transport_error', `request to ${this.url} failed: ${cause}`);
  }
}

async function readCapped(response: Response, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > LIMITS.maxResponseBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new TransportError(
      'response_too_large',
      `${url} declared ${declared} bytes, over the ${LIMITS.maxResponseBytes}-byte cap`,
    );
  }
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > LIMITS.maxResponseBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TransportError(
        'response_too_large',
        `the answer from ${url} exceeded ${LIMITS.maxResponseBytes} bytes`,
      );
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
