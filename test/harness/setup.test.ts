import { http as mock, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpDriver } from '../../src/harness/http-driver.ts';
import { completeProfile, loadTarget, SetupError } from '../../src/harness/setup.ts';

// Setup-phase edge cases need a server answering exactly one odd thing; msw intercepts the
// driver's fetch in-process (unit tests only: conformance runs always use real loopback HTTP).
const ORIGIN = 'https://target.test';
const DISCOVERY = `${ORIGIN}/.well-known/agent-configuration`;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function session() {
  return new HttpDriver({ timeoutMs: 2000 }).session('test.setup');
}

function serveDiscovery(body: JsonBodyType, init?: ResponseInit) {
  server.use(mock.get(DISCOVERY, () => HttpResponse.json(body, init)));
}

describe('loadTarget (setup phase)', () => {
  it('refuses a discovery answer that is not 200', async () => {
    serveDiscovery({ error: 'internal_error', message: 'down' }, { status: 500 });
    await expect(loadTarget(session(), DISCOVERY, [])).rejects.toThrow(/answered HTTP 500/);
  });

  it('refuses a discovery answer that is not a JSON object', async () => {
    server.use(
      mock.get(DISCOVERY, () => new HttpResponse('<html>hello</html>', { headers: { 'content-type': 'text/html' } })),
    );
    await expect(loadTarget(session(), DISCOVERY, [])).rejects.toBeInstanceOf(SetupError);
  });

  it('refuses a document without an absolute issuer or without endpoints', async () => {
    serveDiscovery({ issuer: '/relative', endpoints: {} });
    await expect(loadTarget(session(), DISCOVERY, [])).rejects.toThrow(/issuer/);
    serveDiscovery({ issuer: ORIGIN });
    await expect(loadTarget(session(), DISCOVERY, [])).rejects.toThrow(/endpoints/);
  });

  it('resolves relative and absolute endpoints and says which form each used', async () => {
    serveDiscovery({ issuer: ORIGIN, endpoints: { register: '/agent/register', status: `${ORIGIN}/agent/status` } });
    const notes: string[] = [];
    const target = await loadTarget(session(), DISCOVERY, notes);
    expect(target.endpoints['register']?.url).toBe(`${ORIGIN}/agent/register`);
    expect(target.endpoints['status']?.url).toBe(`${ORIGIN}/agent/status`);
    expect(notes.join('\n')).toMatch(/relative to the issuer: register/);
    expect(notes.join('\n')).toMatch(/absolute URLs: status/);
  });
});

describe('completeProfile (capability roles)', () => {
  it('infers roles from the unauthenticated listing and records capability locations', async () => {
    serveDiscovery({
      issuer: ORIGIN,
      endpoints: { capabilities: '/capability/list', describe_capability: '/capability/describe' },
    });
    server.use(
      mock.get(`${ORIGIN}/capability/list`, () =>
        HttpResponse.json({
          capabilities: [
            { name: 'ping', description: 'p' },
            { name: 'lookup', description: 'l' },
          ],
        }),
      ),
      mock.get(`${ORIGIN}/capability/describe`, ({ request }) => {
        const name = new URL(request.url).searchParams.get('name');
        if (name === 'ping') return HttpResponse.json({ name, description: 'p', location: 'https://rs.test/execute' });
        return HttpResponse.json({
          name,
          description: 'l',
          input: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        });
      }),
    );
    const http = session();
    const notes: string[] = [];
    const target = await loadTarget(http, DISCOVERY, notes);
    const { profile, inferred } = await completeProfile(http, target, undefined, notes);
    expect(inferred).toBe(true);
    expect(profile.sync).toBe('ping');
    expect(profile['with-input']).toBe('lookup');
    expect(target.capabilityLocations['ping']).toBe('https://rs.test/execute');
  });

  it('keeps the given profile and notes why when the listing needs authentication', async () => {
    serveDiscovery({ issuer: ORIGIN, endpoints: { capabilities: '/capability/list' } });
    server.use(
      mock.get(`${ORIGIN}/capability/list`, () =>
        HttpResponse.json({ error: 'authentication_required', message: 'log in' }, { status: 401 }),
      ),
    );
    const http = session();
    const notes: string[] = [];
    const target = await loadTarget(http, DISCOVERY, notes);
    const { profile, inferred } = await completeProfile(http, target, { sync: 'given' }, notes);
    expect(inferred).toBe(false);
    expect(profile).toEqual({ sync: 'given' });
    expect(notes.join('\n')).toMatch(/not inferred: no auth listing answered 401/);
  });

  it('infers roles from what a host sees when anonymous callers see nothing (§5.2)', async () => {
    serveDiscovery({ issuer: ORIGIN, endpoints: { capabilities: '/capability/list' } });
    server.use(
      mock.get(`${ORIGIN}/capability/list`, ({ request }) =>
        request.headers.get('authorization')?.startsWith('Bearer ')
          ? HttpResponse.json({ capabilities: [{ name: 'read_inbox', description: 'reads' }] })
          : HttpResponse.json({ error: 'authentication_required', message: 'log in' }, { status: 401 }),
      ),
    );
    const http = session();
    const notes: string[] = [];
    const target = await loadTarget(http, DISCOVERY, notes);
    const { profile, inferred } = await completeProfile(http, target, undefined, notes, async () => 'host.jwt.token');
    expect(inferred).toBe(true);
    expect(profile.sync).toBe('read_inbox');
    expect(notes.join('\n')).toMatch(
      /none without authentication \(no auth listing answered 401\); with a host JWT read_inbox/,
    );
    expect(notes.join('\n')).toMatch(/capability roles empty .*constrainable/);
  });
});
