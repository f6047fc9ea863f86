import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, type TokenVariant } from '../../src/jose/index.ts';
import { ErrorResponseSchema } from '../../src/protocol/index.ts';
import { FUZZ_PATHS as PATHS } from './fuzz-paths.ts';
import { SimDriver, type RegisteredAgent } from './helpers.ts';

/**
 * Malformed-input robustness: whatever arrives, the simulator answers a 2xx or a 4xx in the §5.13
 * shape, never a 5xx, and keeps serving.
 */

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'),
  maxLength: 60,
});
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'POST', 'POST', 'GET');
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?agent_id=',
    '?agent_id=agt_x',
    '?name=check_balance',
    '?name=',
    '?limit=2',
    '?limit=-1',
    '?limit=9999999999999',
    '?cursor=abc',
    '?cursor=eyJvIjotMX0',
    '?query=%00',
    '?agent_id=a&agent_id=b',
    '?name=%E0%A4%A',
    '?query=%',
    '?%=%',
  ),
  printable.map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jwk-set+json',
  '*/*',
  'garbage',
);
const nearValidBody = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    capabilities: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom('check_balance', 'transfer_money', 'nope'), fc.string()), { maxLength: 4 }),
      fc.array(
        fc.record(
          {
            name: fc.constantFrom('transfer_money', 'check_balance', 'x'),
            constraints: fc.dictionary(
              fc.constantFrom('amount', 'currency', 'destination_account', 'zzz'),
              fc.oneof(
                fc.jsonValue(),
                fc.record(
                  { max: fc.jsonValue(), min: fc.double(), in: fc.jsonValue(), weird: fc.integer() },
                  { requiredKeys: [] },
                ),
              ),
            ),
          },
          { requiredKeys: ['name'] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue(),
    ),
    mode: fc.oneof(fc.constantFrom('delegated', 'autonomous', 'other'), fc.jsonValue()),
    agent_id: fc.oneof(fc.string(), fc.jsonValue()),
    capability: fc.oneof(
      fc.constantFrom(
        'check_balance',
        'list_accounts',
        'generate_report',
        'stream_transactions',
        'transfer_money',
        'nope',
      ),
      fc.jsonValue(),
    ),
    arguments: fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('account_id', 'amount', 'fail'), fc.jsonValue())),
    public_key: fc.oneof(
      fc.jsonValue(),
      fc.record({ kty: fc.constantFrom('OKP', 'RSA', 'oct'), crv: fc.string(), x: fc.string() }),
    ),
    token: fc.oneof(fc.string(), fc.jsonValue()),
    seconds: fc.oneof(fc.double(), fc.jsonValue()),
    clock: fc.oneof(fc.constantFrom('session', 'max'), fc.string()),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 3, arbitrary: nearValidBody.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '[1,',
      '{"name":}',
      'null',
      '\u0000',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

type TokenSpec =
  | { kind: 'none' }
  | { kind: 'garbage'; value: string }
  | {
      kind: 'agent' | 'host';
      typ: string | undefined;
      aud: 'issuer' | 'execute' | 'other';
      variant: TokenVariant;
      omit: string[];
      extra: Record<string, unknown>;
    };

const tokenSpec: fc.Arbitrary<TokenSpec> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  printable.map((value) => ({ kind: 'garbage' as const, value })),
  fc.record({
    kind: fc.constantFrom('agent' as const, 'host' as const),
    typ: fc.constantFrom(undefined, 'agent+jwt', 'host+jwt', 'JWT'),
    aud: fc.constantFrom('issuer' as const, 'execute' as const, 'other' as const),
    variant: fc.constantFrom<TokenVariant>(
      'valid',
      'valid',
      'valid',
      'alg-none',
      'hs256-public-key',
      'corrupt-signature',
      'other-key',
      'non-json-payload',
      'wrong-alg-header',
    ),
    omit: fc.subarray(['iss', 'sub', 'aud', 'iat', 'exp', 'jti']),
    extra: fc.record(
      {
        capabilities: fc.jsonValue(),
        iat: fc.oneof(fc.double(), fc.string()),
        exp: fc.oneof(fc.double(), fc.string()),
        aud: fc.jsonValue(),
        host_public_key: fc.jsonValue(),
        host_jwks_url: fc.constantFrom('https://10.0.0.1/jwks', 'http://127.0.0.1:1/x', 'not a url'),
        agent_public_key: fc.jsonValue(),
        agent_jwks_url: fc.jsonValue(),
        sub: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  }),
);

describe('malformed input never yields a 5xx (fast-check)', () => {
  let d: SimDriver;
  let agent: RegisteredAgent;
  beforeAll(async () => {
    d = await SimDriver.start();
    agent = await d.activeAgent({
      capabilities: ['check_balance', 'list_accounts', 'generate_report', 'stream_transactions', 'transfer_money'],
    });
  });
  afterAll(() => d.stop());

  async function authorization(spec: TokenSpec): Promise<string | undefined> {
    if (spec.kind === 'none') return undefined;
    if (spec.kind === 'garbage') return spec.value.startsWith('Bearer') ? spec.value : `Bearer ${spec.value}`.trim();
    const aud = spec.aud === 'issuer' ? d.issuer : spec.aud === 'execute' ? d.executeUrl : 'https://other.example';
    const common = { aud, typ: spec.typ, variant: spec.variant, omitClaims: spec.omit, extraClaims: spec.extra };
    const token =
      spec.kind === 'agent'
        ? await d.agentJwt(agent, common)
        : await d.hostJwt(Math.random() < 0.5 ? agent.host : await generateEd25519KeyPair(), {
            ...common,
            agentPublicKey: (await generateEd25519KeyPair()).publicJwk,
          });
    return `Bearer ${token}`;
  }

  async function check(
    m: string,
    path: string,
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<void> {
    const sendsBody = payload !== undefined && m !== 'GET' && m !== 'HEAD';
    const response = await fetch(`${d.issuer}${path}`, { method: m, headers, ...(sendsBody && { body: payload }) });
    const text = await response.text();
    expect(response.status, `${m} ${path} -> ${response.status} ${text.slice(0, 200)}`).toBeLessThan(500);
    if (response.status >= 400 && m !== 'HEAD') {
      const parsed = ErrorResponseSchema.safeParse(JSON.parse(text));
      expect(parsed.success, `${m} ${path}: not a §5.13 error: ${text.slice(0, 200)}`).toBe(true);
    }
  }

  it('random methods, paths, queries, bodies, content types and tokens', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        fc.constantFrom(...PATHS),
        query,
        contentType,
        body,
        tokenSpec,
        async (m, path, q, type, payload, spec) => {
          const headers: Record<string, string> = {};
          const auth = await authorization(spec);
          if (auth !== undefined) headers.authorization = auth;
          if (type !== undefined) headers['content-type'] = type;
          await check(m, `${path}${q}`, headers, payload);
        },
      ),
      { numRuns: 1200 },
    );
  });

  it('well-authenticated requests with near-valid bodies to every protocol endpoint', async () => {
    const endpoints = [
      ['POST', '/agent/register', 'host'],
      ['POST', '/agent/request-capability', 'agent'],
      ['POST', '/agent/reactivate', 'host'],
      ['POST', '/agent/revoke', 'host'],
      ['POST', '/agent/rotate-key', 'host'],
      ['POST', '/host/rotate-key', 'host'],
      ['POST', '/capability/execute', 'execute'],
      ['POST', '/agent/introspect', 'none'],
      ['GET', '/agent/status', 'host'],
      ['GET', '/capability/list', 'agent'],
      ['GET', '/capability/describe', 'agent'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), query, nearValidBody, async ([m, path, auth], q, payload) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (auth === 'host') {
          headers.authorization = `Bearer ${await d.hostJwt(agent.host, { agentPublicKey: (await generateEd25519KeyPair()).publicJwk })}`;
        } else if (auth === 'agent' || auth === 'execute') {
          headers.authorization = `Bearer ${await d.agentJwt(agent, auth === 'execute' ? { aud: d.executeUrl } : {})}`;
        }
        await check(m, `${path}${q}`, headers, JSON.stringify(payload));
      }),
      { numRuns: 800 },
    );
  });

  it('is still serving afterwards', async () => {
    expect((await d.get('/.well-known/agent-configuration')).status).toBe(200);
  });
});
