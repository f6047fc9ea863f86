import { maxHeaderSize } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, mintHostJwt } from '../../src/jose/index.ts';
import { REDACTED } from '../../src/harness/exchange.ts';
import { curlLine, shellQuote } from '../../src/model/index.ts';
import { CheckAbortedError, HttpDriver } from '../../src/harness/http-driver.ts';
import {
  closesSocket,
  huge,
  json,
  neverAnswers,
  stallsMidBody,
  startLocalServer,
  type LocalServer,
} from './local-server.ts';

let server: LocalServer;

/** A loopback URL on a port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const probe = await startLocalServer({});
  await probe.close();
  return probe.url;
}

beforeAll(async () => {
  server = await startLocalServer({
    '/ok': json(200, { hello: 'world' }, { 'cache-control': 'max-age=60' }),
    '/never': neverAnswers,
    '/huge': huge(10 * 1024 * 1024),
    '/huge-headers': (_req, res) => res.writeHead(200, { 'x-filler': 'h'.repeat(64 * 1024) }).end('{}'),
    '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('not json <script>'),
    '/close': closesSocket,
    '/stall': stallsMidBody,
    '/redirect': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/big-text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100 * 1024)),
    '/sse': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      res.write('event: data\ndata: {"n":2}\n\n');
      res.write('event: done\ndata: {}\n\n');
      // keeps the connection open: the client must stop at `done`
    },
    '/sse-no-done': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: 1\n\n');
    },
  });
});

afterAll(() => server.close());

describe('HttpDriver', () => {
  it('records a JSON exchange with parsed body, headers, check header and extras', async () => {
    const http = new HttpDriver({ extraHeaders: { 'X-Api-Key': 'k1' } }).session('server.test.ok');
    const result = await http.send({ method: 'POST', url: `${server.url}/ok`, json: { a: 1 }, label: 'probe' });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ hello: 'world' });
    expect(result.headers['cache-control']).toBe('max-age=60');
    expect(result.error).toBeUndefined();
    expect(http.exchanges).toHaveLength(1);
    const received = server.received.at(-1);
    expect(received?.headers['x-conformance-check']).toBe('server.test.ok');
    expect(received?.headers['x-api-key']).toBe('k1');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toBe('{"a":1}');
    expect(result.exchange.label).toBe('probe');
    expect(curlLine(result.exchange.request)).toContain(`'X-Conformance-Check: server.test.ok'`);
  });

  it('enforces the deadline when the server never answers', async () => {
    const http = new HttpDriver({ timeoutMs: 300 }).session('c');
    const started = Date.now();
    const result = await http.send({ method: 'GET', url: `${server.url}/never` });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.status).toBe(0);
    expect(result.error?.kind).toBe('timeout');
  });

  it('enforces the deadline on a body that stalls after the headers', async () => {
    const http = new HttpDriver({ timeoutMs: 300 }).session('c');
    const result = await http.send({ method: 'GET', url: `${server.url}/stall` });
    expect(result.error?.kind).toBe('timeout');
    expect(result.status).toBe(200);
    expect(result.body).toContain('{"partial":');
    expect(result.json).toBeUndefined();
  });

  it('aborts responses beyond the size cap', async () => {
    const http = new HttpDriver({ timeoutMs: 5000 }).session('c');
    const result = await http.send({ method: 'GET', url: `${server.url}/huge` });
    expect(result.error?.kind).toBe('too-large');
    expect(result.exchange.response?.truncated).toBe(true);
    expect(result.body.length).toBeLessThan(70 * 1024);
  });

  it('names a header block over the header limit as too large, not a bare network error', async () => {
    const result = await new HttpDriver({ timeoutMs: 5000 }).session('c').send({
      method: 'GET',
      url: `${server.url}/huge-headers`,
    });
    expect(result.status).toBe(0);
    expect(result.error).toEqual({
      kind: 'too-large',
      message: `response headers exceeded the ${maxHeaderSize}-byte limit on a header block (UND_ERR_HEADERS_OVERFLOW)`,
    });
  });

  it('keeps non-JSON bodies as text without parsed JSON', async () => {
    const result = await new HttpDriver().session('c').send({ method: 'GET', url: `${server.url}/text` });
    expect(result.status).toBe(200);
    expect(result.json).toBeUndefined();
    expect(result.body).toBe('not json <script>');
  });

  it('truncates displayed bodies at 64 KiB with a marker', async () => {
    const result = await new HttpDriver().session('c').send({ method: 'GET', url: `${server.url}/big-text` });
    expect(result.exchange.response?.truncated).toBe(true);
    expect(result.exchange.response?.body_bytes).toBe(100 * 1024);
    expect(result.body).toMatch(/…\[truncated: 102400 bytes in total\]$/);
  });

  it('reports a closed socket and a refused connection as errors', async () => {
    const http = new HttpDriver({ timeoutMs: 2000 }).session('c');
    const closed = await http.send({ method: 'GET', url: `${server.url}/close` });
    expect(closed.error?.kind).toBe('connection-closed');
    const refused = await http.send({ method: 'GET', url: await closedPortUrl() });
    expect(refused.error?.kind).toBe('connection-refused');
    const invalid = await http.send({ method: 'GET', url: 'not a url' });
    expect(invalid.error?.kind).toBe('invalid-url');
  });

  it('does not follow redirects', async () => {
    const result = await new HttpDriver().session('c').send({ method: 'GET', url: `${server.url}/redirect` });
    expect(result.status).toBe(302);
    expect(result.headers['location']).toBe('/ok');
  });

  it('reads SSE until the done event even if the server keeps the stream open', async () => {
    const http = new HttpDriver({ timeoutMs: 2000 }).session('c');
    const result = await http.send({ method: 'POST', url: `${server.url}/sse`, json: {} });
    expect(result.error).toBeUndefined();
    expect(result.exchange.response?.events?.map((e) => e.event)).toEqual(['data', 'data', 'done']);
    expect(result.exchange.response?.stream_end).toBe('done');
    const closed = await http.send({ method: 'POST', url: `${server.url}/sse-no-done`, json: {} });
    expect(closed.exchange.response?.stream_end).toBe('closed');
  });

  it('decodes the bearer JWT in the exchange and never shows private key material', async () => {
    const host = await generateEd25519KeyPair();
    const token = await mintHostJwt({ host, aud: 'http://issuer.example' });
    const http = new HttpDriver().session('c');
    const result = await http.send({
      method: 'POST',
      url: `${server.url}/ok`,
      token,
      json: { leaked: { ...host.privateJwk } },
    });
    expect(result.exchange.request.headers['Authorization']).toBe(`Bearer ${token}`);
    expect(result.exchange.request.jwt?.header?.['typ']).toBe('host+jwt');
    expect(result.exchange.request.jwt?.claims?.['iss']).toBe(host.thumbprint);
    expect(result.exchange.request.body).toContain(REDACTED);
    expect(result.exchange.request.body).not.toContain(String(host.privateJwk.d));
    expect(curlLine(result.exchange.request)).not.toContain(String(host.privateJwk.d));
  });

  it('stops a check whose signal was aborted', async () => {
    const abort = new AbortController();
    const http = new HttpDriver({ timeoutMs: 5000 }).session('c', abort.signal);
    const pending = http.send({ method: 'GET', url: `${server.url}/never` });
    setTimeout(() => abort.abort(), 100);
    expect((await pending).error?.kind).toBe('aborted');
    await expect(http.send({ method: 'GET', url: `${server.url}/ok` })).rejects.toBeInstanceOf(CheckAbortedError);
  });
});

describe('curl lines', () => {
  it('single-quotes every part safely', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    const line = curlLine({
      method: 'POST',
      url: 'http://h/x?a=1&b=2',
      headers: { 'X-Note': "a'b" },
      body: `{"k":"v'$(rm -rf /)"}`,
    });
    expect(line).toBe(
      `curl -sS -i -X 'POST' 'http://h/x?a=1&b=2' -H 'X-Note: a'\\''b' --data-raw '{"k":"v'\\''$(rm -rf /)"}'`,
    );
    expect(curlLine({ method: 'GET', url: 'http://h/', headers: {} })).toBe(`curl -sS -i 'http://h/'`);
  });
});
