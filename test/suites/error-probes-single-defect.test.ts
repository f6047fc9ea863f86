import { base64url, compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../src/harness/endpoints.ts';
import type { Exchange, Report } from '../../src/model/index.ts';
import {
  ExecuteRequestSchema,
  IntrospectRequestSchema,
  ReactivateRequestSchema,
  RegisterRequestSchema,
  RequestCapabilityRequestSchema,
  RevokeRequestSchema,
  RotateAgentKeyRequestSchema,
  RotateHostKeyRequestSchema,
} from '../../src/protocol/index.ts';
import { type ConfiguredSimulator, runSuite, startConfiguredSimulator } from '../selftest/simulated-run.ts';

/**
 * Every negative probe of the server suite carries exactly one defect: a server may check a request's
 * faults in any order the spec leaves open, so a probe with two (say an unknown agent_id *and* no
 * public_key) lets a correct server answer for the one the probe did not mean. The whole server suite
 * runs against the simulator with every exchange recorded, and each request answered with an error is
 * audited on the wire for the defects that can be told from it alone:
 *   - a body that is not JSON,
 *   - a JSON body the wire model's request schema for that endpoint rejects (a missing member),
 *   - an agent_id the server never issued,
 *   - a bearer JWT whose signature verifies with no key the run ever presented.
 */
type Defect = 'malformed JSON' | 'body breaks the request schema' | 'agent_id never issued' | 'bad JWT signature';

const BODY_SCHEMAS = {
  register: RegisterRequestSchema,
  execute: ExecuteRequestSchema,
  request_capability: RequestCapabilityRequestSchema,
  reactivate: ReactivateRequestSchema,
  revoke: RevokeRequestSchema,
  rotate_key: RotateAgentKeyRequestSchema,
  rotate_host_key: RotateHostKeyRequestSchema,
  introspect: IntrospectRequestSchema,
} as const;

let target: ConfiguredSimulator;
let report: Report;
let endpointByUrl: Map<string, keyof typeof BODY_SCHEMAS>;

beforeAll(async () => {
  target = await startConfiguredSimulator('default');
  report = await runSuite(target, { recordExchanges: 'all' });
  const discovery = (await (await fetch(`${target.simulator.origin}/.well-known/agent-configuration`)).json()) as {
    issuer: string;
    endpoints: Record<string, unknown>;
  };
  const { resolved } = resolveEndpoints(discovery.issuer, discovery.endpoints);
  endpointByUrl = new Map(
    Object.entries(resolved)
      .filter(([key]) => key in BODY_SCHEMAS)
      .map(([key, resolution]) => [resolution.url, key as keyof typeof BODY_SCHEMAS]),
  );
}, 120_000);

afterAll(async () => {
  await target?.simulator.stop();
});

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined || text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Every value of a member named `name`, anywhere in a JSON value. */
function membersNamed(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => membersNamed(item, name));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) => [
    ...(key === name ? [member] : []),
    ...membersNamed(member, name),
  ]);
}

function bearer(exchange: Exchange): string | undefined {
  const header = Object.entries(exchange.request.headers).find(([name]) => name.toLowerCase() === 'authorization');
  return header ? /^bearer\s+(\S+)$/i.exec(header[1])?.[1] : undefined;
}

/** Public keys the run presented: inline host keys and agent keys in JWT claims and request bodies. */
function presentedKeys(exchanges: readonly Exchange[]): JWK[] {
  const keys = exchanges.flatMap((exchange) => {
    const claims = exchange.request.jwt?.claims;
    const body = parseJson(exchange.request.body);
    return [
      ...membersNamed(claims, 'host_public_key'),
      ...membersNamed(claims, 'agent_public_key'),
      ...membersNamed(body.ok ? body.value : undefined, 'public_key'),
    ];
  });
  const unique = new Map<string, JWK>();
  for (const key of keys) if (typeof key === 'object' && key !== null) unique.set(JSON.stringify(key), key as JWK);
  return [...unique.values()];
}

/** Imported public keys, by their JSON: each key is imported once, not once per token it is tried on. */
const importedKeys = new Map<string, Promise<CryptoKey | undefined>>();

function importedKey(key: JWK): Promise<CryptoKey | undefined> {
  const id = JSON.stringify(key);
  let imported = importedKeys.get(id);
  if (imported === undefined) {
    imported = importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA').then(
      (cryptoKey) => cryptoKey as CryptoKey,
      () => undefined,
    );
    importedKeys.set(id, imported);
  }
  return imported;
}

/**
 * The agent key each registered agent_id was registered with (from the registration's host JWT), so
 * an agent token is tried against its own key first.
 */
function registeredAgentKeys(exchanges: readonly Exchange[]): Map<string, JWK> {
  const keys = new Map<string, JWK>();
  for (const exchange of exchanges) {
    const key = exchange.request.jwt?.claims?.agent_public_key;
    const response = parseJson(exchange.response?.body);
    const agentId = response.ok ? (response.value as { agent_id?: unknown } | null)?.agent_id : undefined;
    if (typeof agentId === 'string' && typeof key === 'object' && key !== null) keys.set(agentId, key as JWK);
  }
  return keys;
}

/** Whether `token` verifies with one of `keys`; the keys the token itself points at are tried first. */
async function signedByAnyOf(
  token: string,
  keys: readonly JWK[],
  agentKeys = new Map<string, JWK>(),
): Promise<boolean> {
  try {
    if (decodeProtectedHeader(token).alg !== 'EdDSA') return false;
  } catch {
    return false;
  }
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token);
  } catch {
    // a payload that is not JSON names no key of its own
  }
  const own = [claims.host_public_key, typeof claims.sub === 'string' ? agentKeys.get(claims.sub) : undefined].filter(
    (key): key is JWK => typeof key === 'object' && key !== null,
  );
  for (const key of [...own, ...keys]) {
    const cryptoKey = await importedKey(key);
    if (cryptoKey === undefined) continue;
    try {
      await compactVerify(token, cryptoKey);
      return true;
    } catch {
      // not this key
    }
  }
  return false;
}

async function defectsOf(
  exchange: Exchange,
  issued: ReadonlySet<string>,
  keys: readonly JWK[],
  agentKeys = new Map<string, JWK>(),
): Promise<Defect[]> {
  const defects: Defect[] = [];
  const url = new URL(exchange.request.url);
  const body = parseJson(exchange.request.body);
  if (!body.ok) defects.push('malformed JSON');
  const endpoint = endpointByUrl.get(`${url.origin}${url.pathname}`);
  if (body.ok && body.value !== undefined && endpoint !== undefined) {
    if (!BODY_SCHEMAS[endpoint].safeParse(body.value).success) defects.push('body breaks the request schema');
  }
  const agentIds = [
    ...(url.searchParams.has('agent_id') ? [url.searchParams.get('agent_id')] : []),
    ...(body.ok && typeof body.value === 'object' && body.value !== null && 'agent_id' in body.value
      ? [(body.value as { agent_id: unknown }).agent_id]
      : []),
  ];
  if (agentIds.some((id) => typeof id === 'string' && !issued.has(id))) defects.push('agent_id never issued');
  const token = bearer(exchange);
  if (token !== undefined && !(await signedByAnyOf(token, keys, agentKeys))) defects.push('bad JWT signature');
  return defects;
}

describe('every negative probe of the server suite carries exactly one defect', () => {
  it('runs the error checks', () => {
    const errorChecks = report.checks.filter((check) => check.id.startsWith('server.errors.'));
    expect(errorChecks.length).toBeGreaterThan(10);
    expect(errorChecks.filter((check) => check.status === 'error').map((check) => check.id)).toEqual([]);
  });

  it('sends no request answered with an error that combines defects', async () => {
    const all = [...report.setup.exchanges, ...report.checks.flatMap((check) => check.exchanges)];
    const issued = new Set(
      all
        .flatMap((exchange) =>
          membersNamed(
            parseJson(exchange.response?.body).ok ? JSON.parse(exchange.response?.body || 'null') : null,
            'agent_id',
          ),
        )
        .filter((id): id is string => typeof id === 'string'),
    );
    const keys = presentedKeys(all);
    const agentKeys = registeredAgentKeys(all);
    const problems: string[] = [];
    for (const check of report.checks) {
      for (const exchange of check.exchanges) {
        if ((exchange.response?.status ?? 0) < 400) continue;
        const defects = await defectsOf(exchange, issued, keys, agentKeys);
        if (defects.length > 1)
          problems.push(`${check.id} "${exchange.label ?? exchange.request.url}": ${defects.join(' + ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('can tell a combined probe from a single one', async () => {
    const signed = report.checks
      .flatMap((check) => check.exchanges)
      .find((exchange) => bearer(exchange) !== undefined && (exchange.response?.status ?? 0) < 400) as Exchange;
    const keys = presentedKeys([...report.setup.exchanges, ...report.checks.flatMap((check) => check.exchanges)]);
    const token = bearer(signed) as string;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = base64url.encode(base64url.decode(signature).map((byte, index) => (index === 0 ? byte ^ 1 : byte)));
    const combined: Exchange = {
      ...signed,
      request: {
        ...signed.request,
        url: `${signed.request.url.split('?')[0]}?agent_id=agt_never_issued`,
        headers: { authorization: `Bearer ${header}.${payload}.${flipped}` },
      },
    };
    expect(await defectsOf(combined, new Set(), keys)).toEqual(['agent_id never issued', 'bad JWT signature']);
  });
});
