import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Whose keys a served document holds; host and agent documents always get distinct paths (§4.2). */
export type JwksOwner = 'host' | 'agent';

/** One request the target made for a served document. */
export interface JwksFetch {
  /** Wall-clock time of the request, ISO 8601. */
  at: string;
  userAgent?: string;
  /** For a stalled fetch: when the fetcher closed the connection without ever getting an answer (ISO 8601). */
  abandonedAt?: string;
}

/** A document the harness serves at its own URL, with every fetch of it recorded. */
export interface PublishedJwks {
  readonly owner: JwksOwner;
  readonly url: string;
  /** Fetches so far, oldest first. */
  readonly fetches: readonly JwksFetch[];
  /**
   * Serves `document` as JSON from now on (how a JWKS-keyed identity rotates its keys, §8.7), with any
   * extra response headers given (e.g. `cache-control`).
   */
  replace(document: unknown, headers?: Record<string, string>): void;
  /** Serves this exact text from now on (e.g. a body that is not JSON). */
  replaceText(body: string): void;
  /** Answers every fetch with a redirect to `location` from now on. */
  redirectTo(location: string): void;
  /** Answers every fetch with HTTP `status` and no document from now on (the URL became unusable). */
  withdraw(status?: number): void;
  /**
   * Accepts every fetch from now on and never answers it: the connection stays open until the fetcher
   * gives up (recorded as the fetch's `abandonedAt`) or the host is closed at the end of the check.
   */
  stall(): void;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The answer of a stalled document: none. */
const STALL = 'stall';

class Published implements PublishedJwks {
  readonly fetches: JwksFetch[] = [];
  answer: Answer | typeof STALL;

  constructor(
    readonly owner: JwksOwner,
    readonly url: string,
    document: unknown,
  ) {
    this.answer = { status: 200, headers: JSON_HEADERS, body: JSON.stringify(document) };
  }

  replace(document: unknown, headers: Record<string, string> = {}): void {
    this.answer = { status: 200, headers: { ...headers, ...JSON_HEADERS }, body: JSON.stringify(document) };
  }

  replaceText(body: string): void {
    this.answer = { status: 200, headers: JSON_HEADERS, body };
  }

  redirectTo(location: string): void {
    this.answer = { status: 302, headers: { location }, body: '' };
  }

  withdraw(status = 503): void {
    this.answer = { status, headers: JSON_HEADERS, body: '{"error":"unavailable"}' };
  }

  stall(): void {
    this.answer = STALL;
  }
}

/**
 * Serves JWKS documents over plain http on 127.0.0.1 for one check. The listener starts with the first
 * publication and stops at `close`. Only a target whose operator allowed loopback JWKS fetching may
 * fetch from it (RUL-JWKS-LOOPBACK); for any other target every recorded fetch is a §8.12 finding.
 */
export class JwksHost {
  private listening: Promise<{ server: Server; origin: string }> | undefined;
  private readonly documents = new Map<string, Published>();
  private closed = false;

  /** Serves `document` at a fresh URL (`document` is sent as JSON exactly as given, valid or not). */
  async publish(owner: JwksOwner, document: unknown): Promise<PublishedJwks> {
    const { origin } = await this.start();
    const path = `/${owner}-jwks/${this.documents.size + 1}/jwks.json`;
    const published = new Published(owner, `${origin}${path}`, document);
    this.documents.set(path, published);
    return published;
  }

  /** Stops serving; a later `publish` fails. Safe to call when nothing was ever published. */
  async close(): Promise<void> {
    this.closed = true;
    const listening = this.listening;
    if (listening === undefined) return;
    const { server } = await listening.catch(() => ({ server: undefined }));
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  private start(): Promise<{ server: Server; origin: string }> {
    if (this.closed) return Promise.reject(new Error('the JWKS host was closed at the end of its check'));
    this.listening ??= new Promise((resolve, reject) => {
      const server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
        const published = request.method === 'GET' ? this.documents.get(path) : undefined;
        if (published === undefined) {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
          return;
        }
        const fetch: JwksFetch = { at: new Date().toISOString() };
        const userAgent = request.headers['user-agent'];
        if (userAgent !== undefined) fetch.userAgent = userAgent;
        published.fetches.push(fetch);
        if (published.answer === STALL) {
          // Closing the host at the end of the check also ends the connection: that is no abandonment.
          response.once('close', () => {
            if (!this.closed) fetch.abandonedAt = new Date().toISOString();
          });
          return;
        }
        const { status, headers, body } = published.answer;
        response.writeHead(status, headers).end(body);
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({ server, origin: `http://127.0.0.1:${port}` });
      });
    });
    return this.listening;
  }
}
