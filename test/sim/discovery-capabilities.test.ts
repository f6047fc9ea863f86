import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../src/jose/index.ts';
import {
  CapabilityListResponseSchema,
  CapabilitySchema,
  DiscoveryDocumentSchema,
  ErrorResponseSchema,
  findAgentAuthChallenge,
} from '../../src/protocol/index.ts';
import { SimDriver, errorCode } from './helpers.ts';

describe('discovery (§5.1)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-5.1: serves a valid discovery document with default_location and Cache-Control', async () => {
    const answer = await d.get('/.well-known/agent-configuration');
    expect(answer.status).toBe(200);
    const doc = DiscoveryDocumentSchema.parse(answer.body);
    expect(doc.issuer).toBe(d.issuer);
    expect(doc.default_location).toBe(`${d.issuer}${doc.endpoints.execute}`);
    expect(doc.modes).toEqual(['delegated', 'autonomous']);
    expect(answer.headers.get('cache-control')).toContain('max-age=3600');
  });

  it('advertises only the configured modes', async () => {
    const only = await SimDriver.start({ modes: ['autonomous'] });
    try {
      expect((await only.get('/.well-known/agent-configuration')).body.modes).toEqual(['autonomous']);
    } finally {
      await only.stop();
    }
  });
});

describe('capability listing and describe (§5.2, §5.2.1)', () => {
  let d: SimDriver;
  beforeAll(async () => {
    d = await SimDriver.start();
  });
  afterAll(() => d.stop());

  it('AAP-5.2-SHAPE.no-auth: lists only public capabilities without auth', async () => {
    const answer = await d.get('/capability/list');
    expect(answer.status).toBe(200);
    const list = CapabilityListResponseSchema.parse(answer.body);
    expect(list.capabilities.map((c) => c.name)).toEqual(['list_accounts']);
    expect(list.has_more).toBe(false);
    expect(list.next_cursor).toBeNull();
  });

  it('AAP-5.2-SHAPE.host-jwt AAP-5.2-02: lists every capability for a host JWT, even of an unknown host, without grant_status', async () => {
    const host = await generateEd25519KeyPair();
    const answer = await d.get('/capability/list', await d.hostJwt(host));
    expect(answer.status).toBe(200);
    expect(answer.body.capabilities).toHaveLength(8);
    for (const entry of answer.body.capabilities) expect(entry.grant_status).toBeUndefined();
  });

  it('AAP-5.2-SHAPE.agent-jwt: agent JWT listings carry grant_status on every entry', async () => {
    const a = await d.activeAgent({ capabilities: ['check_balance'] });
    const answer = await d.get('/capability/list', await d.agentJwt(a));
    expect(answer.status).toBe(200);
    const statuses = Object.fromEntries(answer.body.capabilities.map((c: any) => [c.name, c.grant_status]));
    expect(statuses).toMatchObject({ check_balance: 'granted', transfer_money: 'not_granted' });
    expect(Object.values(statuses).every((s) => s === 'granted' || s === 'not_granted')).toBe(true);
  });

  it('AAP-5.2-PARAM.query: filters by query', async () => {
    const host = await generateEd25519KeyPair();
    const answer = await d.get('/capability/list?query=transfer', await d.hostJwt(host));
    expect(answer.body.capabilities.map((c: any) => c.name)).toEqual(['transfer_money', 'transfer_international']);
  });

  it('AAP-5.2-PARAM.limit AAP-5.2-PARAM.cursor: paginates with an opaque cursor', async () => {
    const host = await generateEd25519KeyPair();
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const path = `/capability/list?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const answer = await d.get(path, await d.hostJwt(host));
      expect(answer.status).toBe(200);
      seen.push(...answer.body.capabilities.map((c: any) => c.name));
      expect(answer.body.has_more).toBe(answer.body.next_cursor !== null);
      cursor = answer.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(8);
  });

  it('rejects a forged cursor and a zero limit with invalid_request', async () => {
    expect(errorCode(await d.get('/capability/list?cursor=bogus'))).toBe('invalid_request');
    expect(errorCode(await d.get('/capability/list?limit=0'))).toBe('invalid_request');
    expect(errorCode(await d.get('/capability/list?limit=abc'))).toBe('invalid_request');
  });

  it('AAP-5.2.1-01 AAP-5.2.1-04: describes a capability with input and output schemas', async () => {
    const answer = await d.get('/capability/describe?name=check_balance');
    expect(answer.status).toBe(200);
    const capability = CapabilitySchema.parse(answer.body);
    expect(capability.input).toMatchObject({ type: 'object', required: ['account_id'] });
    expect(capability.output).toBeDefined();
  });

  it('AAP-5.2.1-06 AAP-5.13-ERR.capability-describe.capability_not_found: unknown names answer 404 capability_not_found', async () => {
    const answer = await d.get('/capability/describe?name=nope');
    expect(answer.status).toBe(404);
    expect(errorCode(answer)).toBe('capability_not_found');
  });

  it('AAP-5.2.1-03: describe with an agent JWT carries grant_status', async () => {
    const a = await d.activeAgent();
    const answer = await d.get('/capability/describe?name=transfer_money', await d.agentJwt(a));
    expect(answer.body.grant_status).toBe('not_granted');
  });

  it('AAP-2.12-01: removed capabilities disappear from listings', async () => {
    const host = await generateEd25519KeyPair();
    const other = await SimDriver.start();
    try {
      expect((await other.control('remove-capability', { name: 'generate_report' })).status).toBe(200);
      const answer = await other.get('/capability/list', await other.hostJwt(host));
      expect(answer.body.capabilities.map((c: any) => c.name)).not.toContain('generate_report');
      expect((await other.get('/capability/describe?name=generate_report')).status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});

describe('capability listing that requires auth (§5.2, §5.14)', () => {
  it('AAP-5.13-ERR.capability-list.authentication_required AAP-5.2-08: answers 401 with an AgentAuth challenge', async () => {
    const d = await SimDriver.start({ capabilityListRequiresAuth: true });
    try {
      const answer = await d.get('/capability/list');
      expect(answer.status).toBe(401);
      expect(ErrorResponseSchema.parse(answer.body).error).toBe('authentication_required');
      const challenge = findAgentAuthChallenge(answer.headers.get('www-authenticate') ?? '');
      expect(challenge?.params.discovery).toBe(`${d.issuer}/.well-known/agent-configuration`);
      const host = await generateEd25519KeyPair();
      expect((await d.get('/capability/list', await d.hostJwt(host))).status).toBe(200);
    } finally {
      await d.stop();
    }
  });
});
