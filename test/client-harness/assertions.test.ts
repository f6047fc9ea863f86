import { describe, expect, it } from 'vitest';
import { findPrivateKey, judge, type Evidence } from '../../src/client-harness/assertions.ts';
import { requestValue } from '../../src/client-harness/observed.ts';
import { readPath } from '../../src/client-harness/paths.ts';
import { lookupIn, resolveTemplates, UnresolvedPlaceholder } from '../../src/client-harness/templates.ts';
import type { ObservedRequest } from '../../src/sim/client-mode/index.ts';

function request(seq: number, at: number, overrides: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    seq,
    at,
    listener: 'sim',
    endpoint: 'status',
    method: 'GET',
    url: `http://127.0.0.1:1/agent/status?agent_id=agt_1`,
    headers: {},
    jwt: {
      raw: 'x.y.z',
      header: { typ: 'host+jwt', alg: 'EdDSA' },
      claims: { iss: 'h1', jti: `j${seq}`, iat: 100, exp: 160 },
    },
    response: { status: 200, headers: {} },
    tolerated: [],
    ...overrides,
  };
}

function evidence(requests: ObservedRequest[], calls: Evidence['calls'] = new Map()): Evidence {
  return {
    requests,
    calls,
    stepStarts: new Map([['late', 500]]),
    lookup: lookupIn({ agent: 'agt_1', approval: { interval_ms: 1000 } }),
  };
}

describe('scenario values', () => {
  it('reads dotted paths with array indexes and [key=value] filters', () => {
    const value = {
      grants: [
        { capability: 'a', status: 'active' },
        { capability: 'b', status: 'denied' },
      ],
    };
    expect(readPath(value, 'grants.1.status')).toBe('denied');
    expect(readPath(value, 'grants[capability=b].status')).toBe('denied');
    expect(readPath(value, 'grants[capability=c].status')).toBeUndefined();
    expect(readPath(value, '__proto__.polluted')).toBeUndefined();
  });

  it('resolves placeholders keeping the type of a whole-string placeholder, and refuses unknown ones', () => {
    const lookup = lookupIn({ sim: { port: 4 }, agent: 'agt_1' });
    expect(resolveTemplates({ n: '${sim.port}', s: 'id=${agent}' }, lookup)).toEqual({ n: 4, s: 'id=agt_1' });
    expect(() => resolveTemplates('${nothing}', lookup)).toThrow(UnresolvedPlaceholder);
  });

  it('derives lifetime, query members and the host key thumbprint from a recorded request', () => {
    const key = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    const recorded = request(1, 0, {
      jwt: { raw: 'x', header: {}, claims: { iat: 10, exp: 70, host_public_key: key } },
    });
    expect(requestValue(recorded, 'jwt.lifetime')).toBe(60);
    expect(requestValue(recorded, 'query.agent_id')).toBe('agt_1');
    // RFC 8037 appendix A.3: the Ed25519 example key and its RFC 7638 thumbprint, computed independently here.
    expect(requestValue(recorded, 'jwt.host_key_thumbprint')).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});

describe('assertions', () => {
  it('judges counts, every, distinct and spacing on the selected requests, naming the exchange', () => {
    const polls = [request(1, 0), request(2, 1000), request(3, 1400)];
    expect(
      judge({ because: 'n', requests: { endpoint: 'status' }, count: { min: 3 } }, evidence(polls)),
    ).toBeUndefined();
    expect(
      judge({ because: 'n', requests: { endpoint: 'status' }, count: { max: 2 } }, evidence(polls))?.detail.exchange,
    ).toBe(3);
    expect(
      judge({ because: 't', requests: {}, every: 'jwt.header.typ', is: { eq: 'host+jwt' } }, evidence(polls)),
    ).toBeUndefined();
    const spacing = judge(
      { because: 's', requests: { endpoint: 'status' }, spacingMs: '${approval.interval_ms}' },
      evidence(polls),
    );
    expect(spacing?.message).toMatch(/#2 and #3 came 400 ms apart, expected at least 1000 ms/);
    expect(spacing?.detail.exchange).toBe(3);
    const reused = [request(1, 0), request(2, 10, { jwt: { raw: 'x', header: {}, claims: { jti: 'j1' } } })];
    expect(judge({ because: 'j', requests: {}, distinct: 'jwt.claims.jti' }, evidence(reused))?.message).toMatch(
      /#1 and #2 share/,
    );
    expect(
      judge({ because: 'a', requests: { after: 'late' }, count: { min: 2, max: 2 } }, evidence(polls)),
    ).toBeUndefined();
  });

  it('compares a request value with another value of the same request', () => {
    const execute = request(1, 0, {
      endpoint: 'execute',
      url: 'http://h/run',
      jwt: { raw: 'x', claims: { aud: 'http://h/run' } },
    });
    const wrong = request(2, 0, {
      endpoint: 'execute',
      url: 'http://h/run',
      jwt: { raw: 'x', claims: { aud: 'http://h' } },
    });
    const assertion = {
      because: 'aud',
      requests: { endpoint: 'execute' as const },
      every: 'jwt.claims.aud',
      is: { samePathAs: 'url' },
    };
    expect(judge(assertion, evidence([execute]))).toBeUndefined();
    expect(judge(assertion, evidence([wrong]))?.detail).toMatchObject({
      observed: { 'jwt.claims.aud': 'http://h' },
      exchange: 2,
    });
  });

  it('judges tool results: success, fields and what the client surfaced while the call ran', () => {
    const calls = new Map([
      ['c', { ok: true, value: { agent_id: 'agt_1' }, text: '{"agent_id":"agt_1"}', surfaced: 'code ABCD-EFGH' }],
    ]);
    expect(judge({ because: 'ok', call: 'c', ok: true }, evidence([], calls))).toBeUndefined();
    expect(judge({ because: 'ok', call: 'c', ok: false }, evidence([], calls))).toBeDefined();
    expect(
      judge({ because: 'id', call: 'c', path: 'agent_id', is: { eq: '${agent}' } }, evidence([], calls)),
    ).toBeUndefined();
    expect(judge({ because: 'code', call: 'c', mentions: 'ABCD-EFGH' }, evidence([], calls))).toBeUndefined();
    expect(
      judge({ because: 'code', call: 'c', mentions: 'ABCD-EFGH', where: 'result' }, evidence([], calls)),
    ).toBeDefined();
    // Surfaced output counts for notMentions too: a code shown in a notification is shown.
    expect(judge({ because: 'code', call: 'c', notMentions: 'ABCD-EFGH' }, evidence([], calls))?.message).toMatch(
      /mentions "ABCD-EFGH"/,
    );
    expect(judge({ because: 'code', call: 'c', notMentions: 'WXYZ-0000' }, evidence([], calls))).toBeUndefined();
    expect(judge({ because: 'missing', call: 'x', ok: true }, evidence([], calls))?.message).toMatch(
      /no call labelled "x"/,
    );
  });

  it('finds private key material in requests and results', () => {
    expect(findPrivateKey({ a: [{ kty: 'OKP', x: 'p', d: 'secret' }] })).toBe('a[0]');
    expect(findPrivateKey({ kty: 'OKP', x: 'p' })).toBeUndefined();
    const leaking = request(1, 0, {
      method: 'POST',
      body: JSON.stringify({ key: { kty: 'OKP', crv: 'Ed25519', x: 'p', d: 's' } }),
    });
    expect(judge({ because: 'keys', noPrivateKeyMaterial: true }, evidence([leaking]))?.detail.exchange).toBe(1);
    expect(judge({ because: 'keys', noPrivateKeyMaterial: true }, evidence([request(2, 0)]))).toBeUndefined();
  });
});
