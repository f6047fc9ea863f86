import { afterEach, describe, expect, it } from 'vitest';
import {
  generateEd25519KeyPair,
  mintAgentJwt,
  mintHostJwt,
  type AgentJwtOptions,
  type Ed25519KeyPair,
  type HostJwtOptions,
} from '../../src/jose/index.ts';
import {
  APPROVAL_EXPIRED_REASON,
  MAX_OBSERVED_REQUESTS,
  MAX_RECORDED_BODY_BYTES,
  startClientModeSimulator,
  type ClientModeOptions,
  type ClientModeSimulator,
  type ObservedRequest,
} from '../../src/sim/client-mode/index.ts';
import { ObservationLog } from '../../src/sim/client-mode/observations.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

interface Agent {
  host: Ed25519KeyPair;
  agent: Ed25519KeyPair;
  id: string;
  registration: any;
}

/** A hand-written client: plain fetch and the project's JOSE toolkit. */
class Client {
  constructor(readonly sim: ClientModeSimulator) {}

  get executeUrl(): string {
    return `${this.sim.issuer}/capability/execute`;
  }

  hostJwt(host: Ed25519KeyPair, opts: Partial<Omit<HostJwtOptions, 'host'>> = {}): Promise<string> {
    return mintHostJwt({ host, aud: this.sim.issuer, ...opts });
  }

  agentJwt(a: Agent, opts: Partial<Omit<AgentJwtOptions, 'agent' | 'agentId' | 'hostIss'>> = {}): Promise<string> {
    return mintAgentJwt({ agent: a.agent, agentId: a.id, hostIss: a.host.thumbprint, aud: this.sim.issuer, ...opts });
  }

  async send(method: string, url: string, init: { token?: string; body?: unknown } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const target = url.startsWith('http') ? url : `${this.sim.issuer}${url}`;
    const response = await fetch(target, {
      method,
      headers,
      ...(init.body !== undefined && { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  async register(body: Record<string, unknown> = {}, host?: Ed25519KeyPair): Promise<Agent & { answer: Answer }> {
    const hostKey = host ?? (await generateEd25519KeyPair());
    const agent = await generateEd25519KeyPair();
    const token = await this.hostJwt(hostKey, { agentPublicKey: agent.publicJwk });
    const answer = await this.send('POST', '/agent/register', { token, body: { name: 'client under test', ...body } });
    return { host: hostKey, agent, id: answer.body?.agent_id, registration: answer.body, answer };
  }

  async status(a: Agent): Promise<Answer> {
    return this.send('GET', `/agent/status?agent_id=${encodeURIComponent(a.id)}`, {
      token: await this.hostJwt(a.host),
    });
  }

  async execute(
    a: Agent,
    capability: string,
    args?: Record<string, unknown>,
    opts: Parameters<Client['agentJwt']>[1] = {},
    url = this.executeUrl,
  ): Promise<Answer> {
    const token = await this.agentJwt(a, { aud: url, ...opts });
    return this.send('POST', url, { token, body: { capability, ...(args !== undefined && { arguments: args }) } });
  }
}

const started: ClientModeSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

async function start(opts: ClientModeOptions = {}): Promise<{ sim: ClientModeSimulator; client: Client }> {
  const sim = await startClientModeSimulator(opts);
  started.push(sim);
  return { sim, client: new Client(sim) };
}

function last(sim: ClientModeSimulator, endpoint: ObservedRequest['endpoint']): ObservedRequest {
  const found = sim
    .requests()
    .filter((r) => r.endpoint === endpoint)
    .at(-1);
  if (found === undefined) throw new Error(`no ${endpoint} request recorded`);
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client-observe mode: discovery knobs', () => {
  it('serves the default document with an hour of caching when no knob is set', async () => {
    const { sim, client } = await start();
    const answer = await client.send('GET', `${sim.serviceUrl}/.well-known/agent-configuration`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(answer.body).toMatchObject({
      version: '1.0-draft',
      issuer: sim.issuer,
      default_location: client.executeUrl,
    });
    expect(answer.body.endpoints.register).toBe('/agent/register');
    expect(last(sim, 'discovery').listener).toBe('sim');
  });

  it('announces another version, absolute endpoints, no default_location and no Cache-Control', async () => {
    const { sim, client } = await start({
      knobs: {
        discovery: { version: '2.0-draft', endpoints: 'absolute', defaultLocation: 'absent', cacheControl: null },
      },
    });
    const answer = await client.send('GET', '/.well-known/agent-configuration');
    expect(answer.body.version).toBe('2.0-draft');
    expect(answer.body.endpoints.register).toBe(`${sim.issuer}/agent/register`);
    expect(answer.body).not.toHaveProperty('default_location');
    expect(answer.headers.get('cache-control')).toBeNull();
    // The absolute endpoints lead to the same routes.
    expect((await client.register()).answer.status).toBe(200);
  });

  it('uses the Cache-Control it is given', async () => {
    const { client } = await start({ knobs: { discovery: { cacheControl: 'no-store' } } });
    expect((await client.send('GET', '/.well-known/agent-configuration')).headers.get('cache-control')).toBe(
      'no-store',
    );
  });
});

describe('client-observe mode: approval knobs and triggers', () => {
  it('auto-approves registrations and capability requests, except high-risk capabilities', async () => {
    const { sim, client } = await start();
    const a = await client.register({ capabilities: [sim.capabilities.withInput, sim.capabilities.highRisk] });
    expect(a.registration.status).toBe('active');
    const grants = Object.fromEntries(a.registration.agent_capability_grants.map((g: any) => [g.capability, g.status]));
    expect(grants).toEqual({ [sim.capabilities.withInput]: 'active', [sim.capabilities.highRisk]: 'pending' });
    expect(a.registration.approval).toMatchObject({ interval: 1, expires_in: 60 });
    expect(sim.approvals().get(a.id)).toEqual(a.registration.approval);

    const requested = await client.send('POST', '/agent/request-capability', {
      token: await client.agentJwt(a),
      body: { capabilities: [sim.capabilities.async] },
    });
    expect(requested.body.agent_capability_grants[0]).toMatchObject({
      capability: sim.capabilities.async,
      status: 'active',
    });
  });

  it('approves at the 3rd status poll: that very poll answers active', async () => {
    const { sim, client } = await start({
      knobs: { approval: { policy: 'pending', interval: 2, expiresIn: 30 } },
      triggers: [{ on: { endpoint: 'status', nth: 3 }, do: { op: 'approve' } }],
    });
    const a = await client.register({ capabilities: [sim.capabilities.withInput] });
    expect(a.registration.status).toBe('pending');
    expect(a.registration.approval).toMatchObject({ method: 'device_authorization', interval: 2, expires_in: 30 });
    expect(sim.approvals().get(a.id)?.user_code).toBe(a.registration.approval.user_code);

    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await client.status(a)).body.status);
    expect(statuses).toEqual(['pending', 'pending', 'active', 'active']);
    const polls = sim.requests().filter((r) => r.endpoint === 'status');
    expect(polls.map((p) => p.operator?.map((n) => `${n.op}:${n.agentId}:${n.outcome}`))).toEqual([
      undefined,
      undefined,
      [`approve:${a.id}:done`],
      undefined,
    ]);
    expect(sim.agents()).toEqual([
      expect.objectContaining({
        id: a.id,
        status: 'active',
        keyThumbprint: a.agent.thumbprint,
        hostThumbprint: a.host.thumbprint,
      }),
    ]);
  });

  it('denies after the answer to the 1st poll, and hands out CIBA approvals when told to', async () => {
    const { sim, client } = await start({
      knobs: { approval: { policy: 'pending', method: 'ciba' } },
      triggers: [{ on: { endpoint: 'status', nth: 1 }, do: { op: 'deny' }, when: 'after-answer' }],
    });
    const a = await client.register({ capabilities: [sim.capabilities.withInput], binding_message: 'Approve me' });
    expect(a.registration.approval).toMatchObject({ method: 'ciba', binding_message: 'Approve me' });
    expect((await client.status(a)).body.status).toBe('pending');
    expect((await client.status(a)).body.status).toBe('rejected');
    expect(last(sim, 'status').operator).toBeUndefined();
    expect(sim.requests().filter((r) => r.endpoint === 'status')[0]!.operator?.[0]).toMatchObject({
      op: 'deny',
      outcome: 'done',
    });
  });

  it('answers the chosen polls of each agent with 400 slow_down', async () => {
    const { sim, client } = await start({ knobs: { approval: { policy: 'pending', slowDownAt: [2] } } });
    const a = await client.register({ capabilities: [sim.capabilities.withInput] });
    const b = await client.register({ capabilities: [sim.capabilities.withInput] });
    const first = await client.status(a);
    const second = await client.status(a);
    expect([first.status, second.status]).toEqual([200, 400]);
    expect(second.body).toMatchObject({ error: 'slow_down', message: expect.any(String) });
    expect((await client.status(b)).status).toBe(200);
    expect((await client.status(b)).body.error).toBe('slow_down');
  });

  it('lets an approval lapse after expires_in: a pending registration is gone, a pending grant denied', async () => {
    const { sim, client } = await start({ knobs: { approval: { expiresIn: 1 } } });
    const active = await client.register({ capabilities: [sim.capabilities.withInput, sim.capabilities.highRisk] });
    expect(active.registration.status).toBe('active');
    const { sim: pendingSim, client: pendingClient } = await start({
      knobs: { approval: { policy: 'pending', expiresIn: 1 } },
    });
    const never = await pendingClient.register({ capabilities: [pendingSim.capabilities.withInput] });
    expect((await pendingClient.status(never)).body.status).toBe('pending');
    // An agent that was active once and waits for approval of its reactivation (§5.6).
    const returning = await pendingClient.register({ capabilities: [pendingSim.capabilities.withInput] });
    await pendingSim.act({ op: 'approve' }, returning.id);
    await pendingSim.act({ op: 'expire-agent' }, returning.id);
    const reactivation = await pendingClient.send('POST', '/agent/reactivate', {
      token: await pendingClient.hostJwt(returning.host),
      body: { agent_id: returning.id },
    });
    expect([reactivation.body.status, pendingSim.approvals().get(returning.id)?.interval]).toEqual(['pending', 1]);

    await sleep(1100);
    const grants = (await client.status(active)).body.agent_capability_grants;
    expect(grants.find((g: any) => g.capability === sim.capabilities.highRisk)).toMatchObject({
      status: 'denied',
      reason: APPROVAL_EXPIRED_REASON,
    });
    const gone = await pendingClient.status(never);
    expect([gone.status, gone.body.error]).toEqual([404, 'agent_not_found']);
    const back = (await pendingClient.status(returning)).body;
    expect(back.status).toBe('expired');
    expect(
      back.agent_capability_grants.every((g: any) => g.status === 'denied' && g.reason === APPROVAL_EXPIRED_REASON),
    ).toBe(true);
    expect(pendingSim.agents().map((agent) => [agent.id, agent.status])).toEqual([
      [returning.id, 'expired'],
      [never.id, 'deleted'],
    ]);
  });

  it('revokes the host at the 2nd poll, expires an agent before its 2nd execute, and acts on demand', async () => {
    const { sim, client } = await start({
      knobs: { approval: { policy: 'pending' } },
      triggers: [
        { on: { endpoint: 'status', nth: 2 }, do: { op: 'revoke-host' } },
        { on: { endpoint: 'execute', nth: 2 }, do: { op: 'expire-agent' } },
      ],
    });
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    await expect(sim.act({ op: 'approve' })).resolves.toBeUndefined();
    await expect(sim.act({ op: 'approve' }, a.id)).rejects.toThrow(/nothing_pending/);
    await expect(sim.act({ op: 'approve' }, 'agt_unknown')).rejects.toThrow(/agent_not_found/);

    expect((await client.execute(a, sim.capabilities.sync)).status).toBe(200);
    const expired = await client.execute(a, sim.capabilities.sync);
    expect([expired.status, expired.body.error]).toEqual([403, 'agent_expired']);

    expect((await client.status(a)).status).toBe(200);
    const revoked = await client.status(a);
    expect([revoked.status, revoked.body.error]).toEqual([403, 'host_revoked']);
  });
});

describe('client-observe mode: execution knobs', () => {
  it('answers fixed 429s with and without Retry-After at chosen executes', async () => {
    const { sim, client } = await start({
      knobs: {
        answers: [
          { endpoint: 'execute', nth: 1, status: 429, headers: { 'Retry-After': '2' } },
          { endpoint: 'execute', nth: 2, status: 429 },
        ],
      },
    });
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    const first = await client.execute(a, sim.capabilities.sync);
    expect([first.status, first.headers.get('retry-after'), first.body.error]).toEqual([429, '2', 'rate_limited']);
    const second = await client.execute(a, sim.capabilities.sync);
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null]);
    expect((await client.execute(a, sim.capabilities.sync)).status).toBe(200);
    expect(
      sim
        .requests()
        .filter((r) => r.endpoint === 'execute')
        .map((r) => r.response.status),
    ).toEqual([429, 429, 200]);
  });

  it('keeps async executions pending for the chosen number of polls at a same-origin status_url', async () => {
    const { sim, client } = await start({
      knobs: { execution: { async: { pendingPolls: 2, statusUrl: 'same-origin' } } },
    });
    const a = await client.register({ capabilities: [sim.capabilities.async] });
    const startedJob = await client.execute(a, sim.capabilities.async, {});
    expect(startedJob.status).toBe(202);
    expect(new URL(startedJob.body.status_url).origin).toBe(sim.issuer);
    const polls = [];
    for (let i = 0; i < 3; i += 1)
      polls.push(
        (await client.send('GET', startedJob.body.status_url, { token: await client.agentJwt(a) })).body.status,
      );
    expect(polls).toEqual(['pending', 'pending', 'completed']);
    expect(sim.requests().filter((r) => r.endpoint === 'status-url')).toHaveLength(3);
  });

  it('hands out status URLs on the foreign listener, which records and answers 404, or on a plain-http other origin', async () => {
    const { sim, client } = await start({ knobs: { execution: { async: { pendingPolls: 1, statusUrl: 'foreign' } } } });
    const a = await client.register({ capabilities: [sim.capabilities.async] });
    const statusUrl: string = (await client.execute(a, sim.capabilities.async, {})).body.status_url;
    expect(new URL(statusUrl).origin).toBe(sim.foreignOrigin);
    const followed = await client.send('GET', statusUrl, { token: await client.agentJwt(a) });
    expect(followed.status).toBe(404);
    const leak = last(sim, 'status-url');
    expect(leak).toMatchObject({ listener: 'foreign', method: 'GET', url: statusUrl, response: { status: 404 } });
    expect(leak.jwt?.claims?.sub).toBe(a.id);

    const { sim: other, client: otherClient } = await start({
      knobs: { execution: { async: { pendingPolls: 1, statusUrl: 'http-foreign' } } },
    });
    const b = await otherClient.register({ capabilities: [other.capabilities.async] });
    const plain = new URL((await otherClient.execute(b, other.capabilities.async, {})).body.status_url);
    expect(plain.protocol).toBe('http:');
    expect(plain.origin).not.toBe(other.issuer);
    expect(plain.origin).not.toBe(other.foreignOrigin);
    expect(plain.port).toBe(new URL(other.foreignOrigin).port);
  });

  it('streams scripted SSE events (typed, untyped, multi-line) with and without done, recording the stream', async () => {
    const events = [{ event: 'data', data: '{"n":1}' }, { data: '{"n":2}' }, { data: '{\n  "n": 3\n}' }];
    const { sim, client } = await start({ knobs: { execution: { sse: { events, done: true } } } });
    const a = await client.register({ capabilities: [sim.capabilities.stream] });
    const answer = await client.execute(a, sim.capabilities.stream);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(answer.text).toBe(
      'event: data\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: {\ndata:   "n": 3\ndata: }\n\nevent: done\ndata: {"chunks":3}\n\n',
    );
    const recorded = await sim.waitFor({ endpoint: 'execute' }, 1000);
    for (let i = 0; i < 50 && recorded?.response.body === undefined; i += 1) await sleep(10);
    expect(recorded?.response.body).toBe(answer.text);

    const { sim: cut, client: cutClient } = await start({
      knobs: { execution: { sse: { events: events.slice(0, 1), done: false } } },
    });
    const b = await cutClient.register({ capabilities: [cut.capabilities.stream] });
    expect((await cutClient.execute(b, cut.capabilities.stream)).text).toBe('event: data\ndata: {"n":1}\n\n');
  });

  it('grants wider than requested', async () => {
    const { sim, client } = await start({
      knobs: { grants: { widen: { transfer_money: { amount: { max: 10_000 } } } } },
    });
    const a = await client.register({
      capabilities: [{ name: sim.capabilities.constrainable, constraints: { amount: { max: 100 } } }],
    });
    expect(a.registration.agent_capability_grants[0]).toMatchObject({
      status: 'active',
      constraints: { amount: { max: 10_000 } },
    });
    const wide = await client.execute(a, sim.capabilities.constrainable, {
      amount: 500,
      currency: 'USD',
      destination_account: 'acc_1',
    });
    expect(wide.status).toBe(200);
  });

  it('serves a located capability on a listener of its own, whose tokens must name that location', async () => {
    const { sim, client } = await start({ knobs: { locatedCapability: true }, tolerate: false });
    const located = sim.capabilities.located!;
    const locationUrl = sim.locationUrl!;
    expect(new URL(locationUrl).origin).not.toBe(sim.issuer);
    const described = await client.send('GET', `/capability/describe?name=${located}`);
    expect(described.body.location).toBe(locationUrl);

    const a = await client.register({ capabilities: [located, sim.capabilities.withInput] });
    expect(a.registration.agent_capability_grants.find((g: any) => g.capability === located).location).toBe(
      locationUrl,
    );
    const done = await client.execute(a, located, { city: 'Lyon' }, {}, locationUrl);
    expect([done.status, done.body.data[0].address]).toEqual([200, '1 Main Street, Lyon']);
    expect(last(sim, 'location-execute')).toMatchObject({ listener: 'location', response: { status: 200 } });
    expect((await client.execute(a, located, { city: 'Lyon' }, { aud: sim.issuer }, locationUrl)).status).toBe(401);
    expect((await client.execute(a, sim.capabilities.withInput, { account_id: 'acc_1' }, {}, locationUrl)).status).toBe(
      404,
    );
  });
});

describe('client-observe mode: tolerance', () => {
  it('serves attributable deviations and records each tolerated step', async () => {
    const { sim, client } = await start();
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Parameters<Client['agentJwt']>[1]][] = [
      ['typ', { typ: 'JWT' }],
      ['aud', { aud: 'https://elsewhere.example/' }],
      ['jti-missing', { omitClaims: ['jti'] }],
      ['lifetime', { iat: now - 600, exp: now - 300 }],
      ['iat-future', { iat: now + 120, exp: now + 180 }],
    ];
    for (const [step, opts] of cases) {
      const answer = await client.execute(a, sim.capabilities.sync, undefined, opts);
      expect([step, answer.status]).toEqual([step, 200]);
      expect(last(sim, 'execute').tolerated).toEqual([step]);
    }

    const token = await client.agentJwt(a, { aud: client.executeUrl });
    const body = { capability: sim.capabilities.sync };
    expect((await client.send('POST', client.executeUrl, { token, body })).status).toBe(200);
    expect(last(sim, 'execute').tolerated).toEqual([]);
    expect((await client.send('POST', client.executeUrl, { token, body })).status).toBe(200);
    expect(last(sim, 'execute').tolerated).toEqual(['jti-replay']);

    const hostToken = await client.hostJwt(a.host, { typ: 'JWT', aud: `${sim.issuer}/` });
    expect((await client.send('GET', `/agent/status?agent_id=${a.id}`, { token: hostToken })).status).toBe(200);
    expect([...last(sim, 'status').tolerated].sort()).toEqual(['aud', 'typ']);
  });

  it('still refuses bad signatures, unknown keys and clocks far ahead', async () => {
    const { sim, client } = await start();
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    const forged = await client.execute(a, sim.capabilities.sync, undefined, { variant: 'corrupt-signature' });
    expect([forged.status, forged.body.error]).toEqual([401, 'invalid_jwt']);
    const stranger = { ...a, agent: await generateEd25519KeyPair() };
    expect((await client.execute(stranger, sim.capabilities.sync)).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await client.execute(a, sim.capabilities.sync, undefined, { iat: now + 900, exp: now + 960 })).status).toBe(
      401,
    );
    expect(last(sim, 'execute').jwt?.claims?.iat).toBe(now + 900);
  });

  it('enforces every step when tolerance is off', async () => {
    const { sim, client } = await start({ tolerate: false });
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    const answer = await client.execute(a, sim.capabilities.sync, undefined, { aud: 'https://elsewhere.example/' });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_jwt']);
    expect(last(sim, 'execute').tolerated).toEqual([]);
  });
});

describe('client-observe mode: recording', () => {
  it('records every request of every listener in arrival order, with its decoded token and answer', async () => {
    const { sim, client } = await start();
    await client.send('GET', '/.well-known/agent-configuration');
    const a = await client.register({ capabilities: [sim.capabilities.sync] });
    await client.send('POST', `${sim.foreignOrigin}/agent/register`, { body: { name: 'lost' } });
    const requests = sim.requests();
    expect(requests.map((r) => [r.seq, r.listener, r.endpoint])).toEqual([
      [1, 'sim', 'discovery'],
      [2, 'sim', 'register'],
      [3, 'foreign', 'register'],
    ]);
    const [discovery, register, foreign] = requests as [ObservedRequest, ObservedRequest, ObservedRequest];
    expect(discovery.at).toBeGreaterThanOrEqual(0);
    expect(register.at).toBeGreaterThanOrEqual(discovery.at);
    expect(register).toMatchObject({ method: 'POST', url: `${sim.issuer}/agent/register`, tolerated: [] });
    expect(JSON.parse(register.body!)).toMatchObject({ name: 'client under test' });
    expect(register.headers['content-type']).toBe('application/json');
    expect(register.jwt?.header).toMatchObject({ typ: 'host+jwt', alg: 'EdDSA' });
    expect(register.jwt?.claims).toMatchObject({ iss: a.host.thumbprint, aud: sim.issuer });
    expect(JSON.parse(register.response.body!)).toMatchObject({ agent_id: a.id });
    expect(foreign.response.status).toBe(404);
    expect(foreign.jwt).toBeUndefined();
  });

  it('decodes garbage tokens without failing and caps bodies at 64 KiB', async () => {
    const { sim, client } = await start();
    await client.send('GET', '/capability/list', { token: 'not.a.jwt' });
    expect(last(sim, 'list').jwt).toMatchObject({ raw: 'not.a.jwt', error: expect.any(String) });

    const huge = await client.send('POST', '/agent/register', { body: { name: 'x'.repeat(100_000) } });
    expect(huge.status).toBe(413);
    const recorded = last(sim, 'register');
    expect(recorded.bodyTruncated).toBe(true);
    expect(recorded.body).toHaveLength(MAX_RECORDED_BODY_BYTES);
  });

  it('keeps at most MAX_OBSERVED_REQUESTS requests and counts the rest', () => {
    const log = new ObservationLog();
    const entry = (seq: number): ObservedRequest => ({
      seq,
      at: seq,
      listener: 'sim',
      endpoint: 'other',
      method: 'GET',
      url: 'http://127.0.0.1/',
      headers: {},
      response: { status: 404, headers: {} },
      tolerated: [],
    });
    for (let seq = 1; seq <= MAX_OBSERVED_REQUESTS + 7; seq += 1) log.add(entry(seq));
    expect(log.entries()).toHaveLength(MAX_OBSERVED_REQUESTS);
    expect(log.dropped()).toBe(7);
    expect(log.entries().at(-1)?.seq).toBe(MAX_OBSERVED_REQUESTS);
  });

  it('waits for a matching request, or gives up at the deadline', async () => {
    const { sim, client } = await start();
    const waiting = sim.waitFor({ endpoint: 'list', nth: 2 }, 5000);
    await client.send('GET', '/capability/list');
    await client.send('GET', '/capability/list');
    expect((await waiting)?.seq).toBe(2);
    const before = performance.now();
    expect(await sim.waitFor({ listener: 'foreign' }, 150)).toBeUndefined();
    expect(performance.now() - before).toBeGreaterThanOrEqual(140);
  });

  it('frees its ports on close', async () => {
    const { sim, client } = await start({ knobs: { locatedCapability: true } });
    expect((await client.send('GET', '/.well-known/agent-configuration')).status).toBe(200);
    await sim.close();
    for (const url of [sim.issuer, sim.foreignOrigin, sim.locationUrl!]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});
