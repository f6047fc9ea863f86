import { describe, expect, it } from 'vitest';
import { createClientContext, type ClientContext } from '../../src/reference-client/context.ts';
import { CLIENT_FAULT_NAMES, ClientFaultSet, type ClientFaultName } from '../../src/reference-client/faults.ts';
import { connectAgent, type ConnectArgs } from '../../src/reference-client/tools/connect.ts';
import { listCapabilities } from '../../src/reference-client/tools/capabilities.ts';
import { executeCapability } from '../../src/reference-client/tools/execute.ts';
import { agentStatus, disconnectAgent, reactivateAgent } from '../../src/reference-client/tools/lifecycle.ts';
import { requestCapability } from '../../src/reference-client/tools/request-capability.ts';
import { signJwt } from '../../src/reference-client/tools/sign-jwt.ts';
import type { Reporter } from '../../src/reference-client/reporter.ts';
import { FakeProvider, type FakeRequest } from './fake-provider.ts';

/** What one run of a case saw: the tool outcome, the notes shown, and both providers' requests. */
interface Run {
  ok: boolean;
  json: any;
  notes: string[];
  fake: FakeProvider;
  foreign: FakeProvider;
  started: number;
}

interface Case {
  fault: ClientFaultName;
  /** Scripts the providers before the client starts. */
  setup?: (fake: FakeProvider, foreign: FakeProvider) => void;
  /** What the agent does (after connect_agent, unless `connect` is false); returns the tool result. */
  act: (
    ctx: ClientContext,
    agentId: string,
    fake: FakeProvider,
    reporter: Reporter,
  ) => Promise<Record<string, unknown>>;
  /** Reads the observable the fault changes; it must differ between the correct and the faulty client. */
  observe: (run: Run) => unknown;
  connect?: false;
  approvalTimeout?: number;
}

const pendingApproval = (fake: FakeProvider, extra: Record<string, unknown> = {}) => ({
  method: 'device_authorization',
  verification_uri: `${fake.origin}/device`,
  user_code: 'ABCD-1234',
  expires_in: 3,
  interval: 1,
  ...extra,
});

/** Registration answered pending with a 1 s interval; status answers follow `statuses` (an `error` member makes it a 400). */
function pendingRegistration(
  statuses: (poll: number) => Record<string, unknown>,
  approval: Record<string, unknown> = {},
) {
  return (fake: FakeProvider) => {
    let registrations = 0;
    fake.on('POST /agent/register', () => ({
      json: {
        agent_id: `agt_${++registrations}`,
        host_id: 'hst_1',
        name: 'x',
        mode: 'delegated',
        status: 'pending',
        agent_capability_grants: [],
        approval: pendingApproval(fake, approval),
      },
    }));
    let polls = 0;
    fake.on('GET /agent/status', () => {
      const json = statuses(++polls);
      return { status: 'error' in json ? 400 : 200, json };
    });
  };
}
const pending = { agent_id: 'agt_1', status: 'pending' };
const active = { agent_id: 'agt_1', status: 'active', agent_capability_grants: [] };
const rejected = { agent_id: 'agt_1', status: 'rejected' };

const connectWith =
  (args: Partial<ConnectArgs>) => (ctx: ClientContext, _id: string, fake: FakeProvider, reporter: Reporter) =>
    connectAgent(ctx, { provider: fake.origin, name: 'fields', ...args }, reporter);
const execute = (ctx: ClientContext, agentId: string, _fake?: FakeProvider, reporter?: Reporter) =>
  executeCapability(ctx, { agent_id: agentId, capability: 'run' }, reporter ?? quiet);
const quiet: Reporter = { notify: async () => undefined };
const asyncJob = (fake: FakeProvider, statusUrl: string) =>
  fake.on('POST /capability/execute', () => ({ status: 202, json: { status: 'pending', status_url: statusUrl } }));

const at = (requests: readonly FakeRequest[], path: string) => requests.filter((request) => request.path === path);
const lastRegistration = (run: Run) => at(run.fake.requests, '/agent/register').at(-1)!;
const gap = (requests: readonly FakeRequest[]) =>
  requests.length < 2 ? Number.NaN : requests[1]!.time - requests[0]!.time;

const CASES: Case[] = [
  // Tokens
  {
    fault: 'host-jwt-wrong-typ',
    act: async (_c, id) => ({ id }),
    observe: (r) => tokenHeader(lastRegistration(r)).typ,
  },
  {
    fault: 'agent-jwt-wrong-typ',
    act: execute,
    observe: (r) => tokenHeader(at(r.fake.requests, '/capability/execute')[0]!).typ,
  },
  {
    fault: 'host-jwt-iss-not-thumbprint',
    act: async (_c, id) => ({ id }),
    observe: (r) => String(lastRegistration(r).claims?.iss).startsWith('host-'),
  },
  {
    fault: 'host-jwt-aud-not-issuer',
    act: async (_c, id) => ({ id }),
    observe: (r) => lastRegistration(r).claims?.aud === r.fake.origin,
  },
  {
    fault: 'agent-jwt-iss-host-id',
    act: execute,
    observe: (r) => at(r.fake.requests, '/capability/execute')[0]!.claims?.iss,
  },
  {
    fault: 'jwt-without-jti',
    act: async (_c, id) => ({ id }),
    observe: (r) => 'jti' in (lastRegistration(r).claims ?? {}),
  },
  {
    fault: 'agent-jwt-reuses-jti',
    act: async (ctx, id) => {
      await execute(ctx, id);
      return execute(ctx, id);
    },
    observe: (r) => new Set(at(r.fake.requests, '/capability/execute').map((q) => q.claims?.jti)).size,
  },
  {
    fault: 'agent-jwt-long-lifetime',
    act: execute,
    observe: (r) => {
      const claims = at(r.fake.requests, '/capability/execute')[0]!.claims!;
      return Number(claims.exp) - Number(claims.iat) <= 60;
    },
  },
  {
    fault: 'non-execution-aud-default-location',
    act: (ctx, id) => listCapabilities(ctx, { agent_id: id }),
    setup: (fake) => fake.on('GET /capability/list', () => ({ json: { capabilities: [] } })),
    observe: (r) => at(r.fake.requests, '/capability/list')[0]!.claims?.aud === r.fake.origin,
  },
  {
    fault: 'agent-aud-ignores-location',
    setup: locatedCapability,
    act: execute,
    observe: (r) => r.foreign.requests[0]?.claims?.aud === `${r.foreign.origin}/exec`,
  },
  {
    fault: 'ignores-capability-location',
    setup: locatedCapability,
    act: execute,
    observe: (r) => r.foreign.requests.length,
  },
  {
    fault: 'default-location-is-issuer',
    setup: (fake) => fake.on('POST /', () => ({ json: { data: 'at the issuer' } })),
    act: execute,
    observe: (r) => r.fake.requests.some((q) => q.method === 'POST' && q.path === '/'),
  },
  {
    fault: 'status-with-agent-jwt',
    setup: (fake) => fake.on('GET /agent/status', () => ({ json: active })),
    act: (ctx, id) => agentStatus(ctx, { agent_id: id }),
    observe: (r) => tokenHeader(at(r.fake.requests, '/agent/status')[0]!).typ,
  },
  {
    fault: 'reactivate-with-agent-jwt',
    setup: (fake) => fake.on('POST /agent/reactivate', () => ({ json: active })),
    act: (ctx, id, _fake, reporter) => reactivateAgent(ctx, { agent_id: id }, reporter),
    observe: (r) => tokenHeader(at(r.fake.requests, '/agent/reactivate')[0]!).typ,
  },
  // Keys
  {
    fault: 'private-key-in-request',
    act: async (_c, id) => ({ id }),
    observe: (r) => 'd' in (lastRegistration(r).claims?.agent_public_key as object),
  },
  {
    fault: 'reuses-agent-key',
    act: connectWith({}),
    observe: (r) =>
      new Set(at(r.fake.requests, '/agent/register').map((q) => (q.claims?.agent_public_key as { x: string }).x)).size,
  },
  {
    fault: 'forwards-token-on-cross-origin-redirect',
    setup: (fake, foreign) => {
      fake.on('POST /capability/execute', () => ({ status: 307, headers: { location: `${foreign.origin}/x` } }));
      foreign.on('POST /x', () => ({ json: { data: 'leaked' } }));
    },
    act: execute,
    observe: (r) => r.foreign.requests.length,
  },
  // Forwarded fields
  { fault: 'drops-name', act: connectWith({ name: 'Named' }), observe: (r) => lastRegistration(r).body.name },
  {
    fault: 'drops-capability-constraints',
    act: connectWith({ capabilities: [{ name: 'run', constraints: { n: { max: 1 } } }] }),
    observe: (r) => JSON.stringify(lastRegistration(r).body.capabilities),
  },
  { fault: 'drops-mode', act: connectWith({ mode: 'autonomous' }), observe: (r) => lastRegistration(r).body.mode },
  { fault: 'drops-reason', act: connectWith({ reason: 'why' }), observe: (r) => lastRegistration(r).body.reason },
  {
    fault: 'drops-preferred-method',
    act: connectWith({ preferred_method: 'ciba' }),
    observe: (r) => lastRegistration(r).body.preferred_method,
  },
  {
    fault: 'drops-login-hint',
    act: connectWith({ login_hint: 'a@b' }),
    observe: (r) => lastRegistration(r).body.login_hint,
  },
  {
    fault: 'drops-binding-message',
    act: connectWith({ binding_message: 'ok?' }),
    observe: (r) => lastRegistration(r).body.binding_message,
  },
  {
    fault: 'escalation-drops-login-hint',
    setup: (fake) =>
      fake.on('POST /agent/request-capability', () => ({
        json: { agent_id: 'agt_1', agent_capability_grants: [{ capability: 'more', status: 'active' }] },
      })),
    act: (ctx, id, _fake, reporter) =>
      requestCapability(ctx, { agent_id: id, capabilities: ['more'], login_hint: 'a@b' }, reporter),
    observe: (r) => at(r.fake.requests, '/agent/request-capability')[0]!.body.login_hint,
  },
  {
    fault: 'normalises-capability-names',
    act: connectWith({ capabilities: ['Legacy.Balance-EU'] }),
    observe: (r) => lastRegistration(r).body.capabilities[0],
  },
  {
    fault: 'swallows-invalid-capabilities',
    connect: false,
    setup: (fake) => {
      fake.on('POST /agent/register', () => ({
        status: 400,
        json: { error: 'invalid_capabilities', message: 'unknown', invalid_capabilities: ['warp'] },
      }));
      fake.on('GET /capability/list', () => ({ json: { capabilities: [{ name: 'run', description: 'Run' }] } }));
    },
    act: connectWith({ capabilities: ['warp'] }),
    observe: (r) => JSON.stringify(r.json).includes('warp'),
  },
  // Discovery and caching
  {
    fault: 'ignores-unsupported-version',
    connect: false,
    setup: (fake) => (fake.discovery.version = '2.0-draft'),
    act: connectWith({}),
    observe: (r) => r.ok,
  },
  {
    fault: 'caches-discovery-forever',
    setup: (fake) => {
      const serve = fake.handlers.get('GET /.well-known/agent-configuration')!;
      fake.on('GET /.well-known/agent-configuration', (request, self) => ({
        ...serve(request, self),
        headers: { 'cache-control': 'no-store' },
      }));
      fake.on('GET /capability/list', () => ({ json: { capabilities: [] } }));
    },
    act: (ctx) => listCapabilities(ctx, {}),
    observe: (r) => at(r.fake.requests, '/.well-known/agent-configuration').length,
  },
  {
    fault: 'endpoint-resolution-drops-issuer-path',
    connect: false,
    setup: (fake) => (fake.discovery.issuer = `${fake.origin}/tenants/acme`),
    act: connectWith({}),
    observe: (r) => r.fake.requests.find((q) => q.method === 'POST')?.path,
  },
  {
    fault: 'accepts-http-discovery',
    connect: false,
    act: (ctx, _id, _fake, reporter) => connectAgent(ctx, { provider: 'http://provider.invalid', name: 'x' }, reporter),
    observe: (r) => r.json.error,
  },
  {
    fault: 'follows-many-redirects',
    setup: (fake) => {
      let hops = 0;
      fake.on('GET /capability/list', () => ({ status: 302, headers: { location: `/capability/list?hop=${++hops}` } }));
    },
    act: (ctx) => listCapabilities(ctx, {}),
    observe: (r) => at(r.fake.requests, '/capability/list').length,
  },
  {
    fault: 'capability-cache-ignores-identity',
    setup: (fake) => fake.on('GET /capability/list', () => ({ json: { capabilities: [] } })),
    act: async (ctx, id) => {
      await listCapabilities(ctx, {});
      return listCapabilities(ctx, { agent_id: id });
    },
    observe: (r) => at(r.fake.requests, '/capability/list').length,
  },
  {
    fault: 'keeps-stale-capabilities',
    setup: (fake) =>
      fake.on('POST /capability/execute', () => ({
        status: 404,
        json: { error: 'capability_not_found', message: 'gone' },
      })),
    act: execute,
    observe: (r) => at(r.fake.requests, '/capability/describe').length,
  },
  // Approval
  {
    fault: 'polls-faster-than-interval',
    connect: false,
    setup: pendingRegistration((poll) => (poll < 2 ? pending : active)),
    act: connectWith({}),
    observe: (r) => gap(at(r.fake.requests, '/agent/status')) >= 1000,
  },
  {
    fault: 'ignores-slow-down',
    connect: false,
    approvalTimeout: 3,
    setup: pendingRegistration((poll) => (poll === 1 ? { error: 'slow_down', message: 'x' } : active), {
      expires_in: 30,
    }),
    act: connectWith({}),
    observe: (r) => at(r.fake.requests, '/agent/status').filter((q) => q.time - r.started < 3000).length,
  },
  {
    fault: 'keeps-polling-after-denial',
    connect: false,
    setup: pendingRegistration(() => rejected),
    act: connectWith({}),
    observe: (r) => at(r.fake.requests, '/agent/status').length,
  },
  {
    fault: 're-registers-after-denial',
    connect: false,
    setup: pendingRegistration(() => rejected),
    act: connectWith({}),
    observe: (r) => at(r.fake.requests, '/agent/register').length,
  },
  {
    fault: 'polls-past-expiry',
    connect: false,
    approvalTimeout: 4,
    setup: pendingRegistration(() => pending, { expires_in: 2 }),
    act: connectWith({}),
    observe: (r) => at(r.fake.requests, '/agent/status').length,
  },
  {
    fault: 'hides-user-code',
    connect: false,
    setup: pendingRegistration(() => active),
    act: connectWith({}),
    observe: (r) => r.notes.join(' ').includes('ABCD-1234'),
  },
  {
    fault: 'escalation-not-followed',
    setup: (fake) => {
      fake.on('POST /agent/request-capability', () => ({
        json: {
          agent_id: 'agt_1',
          agent_capability_grants: [{ capability: 'more', status: 'pending' }],
          approval: pendingApproval(fake),
        },
      }));
      fake.on('GET /agent/status', () => ({
        json: { ...active, agent_capability_grants: [{ capability: 'more', status: 'active' }] },
      }));
    },
    act: (ctx, id, _fake, reporter) => requestCapability(ctx, { agent_id: id, capabilities: ['more'] }, reporter),
    observe: (r) => at(r.fake.requests, '/agent/status').length,
  },
  {
    fault: 'accepts-any-verification-uri',
    connect: false,
    setup: pendingRegistration(() => active, { verification_uri: 'http://approve.example.test/device' }),
    act: connectWith({}),
    observe: (r) => r.ok,
  },
  {
    fault: 'accepts-widened-constraints',
    connect: false,
    setup: (fake) =>
      fake.on('POST /agent/register', () => ({
        json: {
          agent_id: 'agt_1',
          host_id: 'h',
          name: 'x',
          mode: 'delegated',
          status: 'active',
          agent_capability_grants: [{ capability: 'pay', status: 'active', constraints: { n: { max: 1000 } } }],
        },
      })),
    act: connectWith({ capabilities: [{ name: 'pay', constraints: { n: { max: 10 } } }] }),
    observe: (r) => Array.isArray(r.json.warnings),
  },
  // Execution
  {
    fault: 'async-not-polled',
    setup: (fake) => asyncJob(fake, `${fake.origin}/jobs/1`),
    act: execute,
    observe: (r) => r.json.status,
  },
  {
    fault: 'follows-cross-origin-status-url',
    setup: (fake, foreign) => {
      asyncJob(fake, `${foreign.origin}/jobs/1`);
      foreign.on('GET /jobs/1', () => ({ json: { status: 'completed', result: 1 } }));
    },
    act: execute,
    observe: (r) => r.foreign.requests.length,
  },
  {
    fault: 'follows-any-status-url',
    setup: (fake, foreign) => {
      asyncJob(fake, `${foreign.origin}/jobs/1`);
      foreign.on('GET /jobs/1', () => ({ json: { status: 'completed', result: 1 } }));
    },
    act: execute,
    observe: (r) => r.foreign.requests.length,
  },
  {
    fault: 'async-poll-reuses-jwt',
    setup: (fake) => {
      let polls = 0;
      asyncJob(fake, `${fake.origin}/jobs/1`);
      fake.on('GET /jobs/1', () => ({
        headers: { 'retry-after': '0' },
        json:
          ++polls < 2 ? { status: 'pending', status_url: `${fake.origin}/jobs/1` } : { status: 'completed', result: 1 },
      }));
    },
    act: execute,
    observe: (r) => new Set(at(r.fake.requests, '/jobs/1').map((q) => q.token)).size,
  },
  {
    fault: 'async-poll-without-jwt',
    setup: (fake) => {
      asyncJob(fake, `${fake.origin}/jobs/1`);
      fake.on('GET /jobs/1', () => ({ json: { status: 'completed', result: 1 } }));
    },
    act: execute,
    observe: (r) => at(r.fake.requests, '/jobs/1')[0]?.token !== undefined,
  },
  {
    fault: 'async-poll-no-backoff',
    setup: (fake) => {
      asyncJob(fake, `${fake.origin}/jobs/1`);
      fake.on('GET /jobs/1', () => ({ json: { status: 'completed', result: 1 } }));
    },
    act: execute,
    observe: (r) =>
      at(r.fake.requests, '/jobs/1')[0]!.time - at(r.fake.requests, '/capability/execute')[0]!.time >= 1000,
  },
  {
    fault: 'sse-drops-untyped-events',
    setup: (fake) =>
      fake.on('POST /capability/execute', () => ({
        sse: 'data: 1\n\nevent: data\ndata: 2\n\nevent: done\ndata: {}\n\n',
      })),
    act: execute,
    observe: (r) => JSON.stringify(r.json.events),
  },
  {
    fault: 'sse-keeps-stream-open',
    setup: (fake) =>
      fake.on('POST /capability/execute', () => ({ sse: 'data: 1\n\nevent: done\ndata: {}\n\n', holdOpen: true })),
    act: execute,
    observe: (r) => r.fake.closedByClient.length,
  },
  {
    fault: 'sse-close-is-success',
    setup: (fake) => fake.on('POST /capability/execute', () => ({ sse: 'data: 1\n\n' })),
    act: execute,
    observe: (r) => r.ok,
  },
  {
    fault: 'ignores-retry-after',
    setup: (fake) => rateLimitedOnce(fake, { 'retry-after': '1' }),
    act: execute,
    observe: (r) => gap(at(r.fake.requests, '/capability/execute')) >= 1000,
  },
  {
    fault: 'no-backoff-without-retry-after',
    setup: (fake) => rateLimitedOnce(fake, {}),
    act: execute,
    observe: (r) => gap(at(r.fake.requests, '/capability/execute')) >= 1000,
  },
  // Lifecycle and sign_jwt
  {
    fault: 'disconnect-reports-success-on-failure',
    setup: (fake) =>
      fake.on('POST /agent/revoke', () => ({ status: 503, json: { error: 'internal_error', message: 'down' } })),
    act: (ctx, id) => disconnectAgent(ctx, { agent_id: id }),
    observe: (r) => r.ok,
  },
  {
    fault: 'disconnect-keeps-agent',
    setup: (fake) => fake.on('POST /agent/revoke', () => ({ json: { agent_id: 'agt_1', status: 'revoked' } })),
    act: async (ctx, id) => {
      await disconnectAgent(ctx, { agent_id: id });
      return signJwt(ctx, { agent_id: id });
    },
    observe: (r) => r.ok,
  },
  {
    fault: 'sign-jwt-unchecked-capabilities',
    act: (ctx, id) => signJwt(ctx, { agent_id: id, capabilities: ['not_granted'] }),
    observe: (r) => r.ok,
  },
  {
    fault: 'sign-jwt-expires-in-absolute',
    act: (ctx, id) => signJwt(ctx, { agent_id: id }),
    observe: (r) => r.json.expires_in,
  },
];

/** Faults this file cannot provoke in process, with the reason. */
const NOT_HERE: Partial<Record<ClientFaultName, string>> = {
  'accepts-untrusted-tls':
    'switched on in the process environment by the command line; needs a TLS server with an untrusted certificate',
};

function locatedCapability(fake: FakeProvider, foreign: FakeProvider): void {
  fake.on('GET /capability/describe', () => ({
    json: { name: 'run', description: 'Run', location: `${foreign.origin}/exec` },
  }));
  foreign.on('POST /exec', () => ({ json: { data: 'at the location' } }));
  fake.on('POST /capability/execute', () => ({ json: { data: 'at the default location' } }));
}

function rateLimitedOnce(fake: FakeProvider, headers: Record<string, string>): void {
  let calls = 0;
  fake.on('POST /capability/execute', () =>
    ++calls === 1 ? { status: 429, headers, json: { error: 'rate_limited', message: 'x' } } : { json: { data: 1 } },
  );
}

function tokenHeader(request: FakeRequest): Record<string, unknown> {
  return JSON.parse(Buffer.from(request.token!.split('.')[0]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

async function run(testCase: Case, faults: ClientFaultName[]): Promise<Run> {
  const fake = await FakeProvider.start();
  const foreign = await FakeProvider.start();
  try {
    testCase.setup?.(fake, foreign);
    const ctx = await createClientContext({
      providers: [fake.origin],
      allowInsecureLoopback: true,
      hostName: 'effects-host',
      approvalTimeoutSeconds: testCase.approvalTimeout ?? 5,
      faults: new ClientFaultSet(faults),
    });
    let agentId = '';
    if (testCase.connect !== false) {
      agentId = String(
        (await connectAgent(ctx, { provider: fake.origin, name: 'x', capabilities: ['run'] }, quiet)).agent_id,
      );
    }
    const notes: string[] = [];
    const reporter: Reporter = { notify: async (message) => void notes.push(message) };
    const started = Date.now();
    let outcome: { ok: boolean; json: any };
    try {
      outcome = { ok: true, json: await testCase.act(ctx, agentId, fake, reporter) };
    } catch (error) {
      outcome = { ok: false, json: (error as { body?: () => unknown }).body?.() ?? { error: String(error) } };
    }
    ctx.flows.cancelAll();
    // Let connections the client closed reach the servers before they stop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { ...outcome, notes, fake, foreign, started };
  } finally {
    await fake.stop();
    await foreign.stop();
  }
}

describe('every fault changes what the client does', () => {
  it('has a case (or a reason for none) for every fault', () => {
    const covered = new Set([...CASES.map((c) => c.fault), ...Object.keys(NOT_HERE)]);
    expect(CLIENT_FAULT_NAMES.filter((name) => !covered.has(name))).toEqual([]);
  });

  it.concurrent.each(CASES)('$fault', async (testCase) => {
    const [correctRun, faultyRun] = await Promise.all([run(testCase, []), run(testCase, [testCase.fault])]);
    const correct = testCase.observe(correctRun);
    const faulty = testCase.observe(faultyRun);
    expect(
      faulty,
      `${testCase.fault}: correct ${JSON.stringify(correct)}, faulty ${JSON.stringify(faulty)}`,
    ).not.toEqual(correct);
  });
});
