import { describe, expect, it } from 'vitest';
import { judge, type Evidence } from '../../src/client-harness/assertions.ts';
import type { Assertion } from '../../src/client-harness/scenario.ts';
import { requestValue } from '../../src/client-harness/observed.ts';
import { readPath } from '../../src/client-harness/paths.ts';
import { lookupIn } from '../../src/client-harness/templates.ts';
import type { ObservedRequest } from '../../src/sim/client-mode/index.ts';

/**
 * The assertion kinds and request selectors added for the client-coverage scenarios: notSamePathAs,
 * same/per, has, before, `where: 'interim'`, placeholders in paths, the `@jwt` path segment and key
 * delivery.
 */

const INLINE_KEY = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };

function hostRequest(seq: number, at: number, claims: Record<string, unknown>): ObservedRequest {
  return {
    seq,
    at,
    listener: 'sim',
    endpoint: 'register',
    method: 'POST',
    url: 'http://127.0.0.1:1/agent/register',
    headers: {},
    jwt: { raw: 'x.y.z', header: { typ: 'host+jwt', alg: 'EdDSA' }, claims: { iat: 100, exp: 160, ...claims } },
    response: { status: 200, headers: {} },
    tolerated: [],
  };
}

function evidence(requests: ObservedRequest[], calls: Evidence['calls'] = new Map()): Evidence {
  return {
    requests,
    calls,
    stepStarts: new Map([['mid', 500]]),
    lookup: lookupIn({ agent: 'agt_1', cap: { sync: 'list_accounts' } }),
  };
}

/** An unsigned compact JWT: enough for reading claims unverified. */
function compactJwt(header: object, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2ln`;
}

describe('key delivery of host JWTs', () => {
  it('reads inline, jwks, both, or nothing for the host and the agent key', () => {
    const inline = hostRequest(1, 0, { host_public_key: INLINE_KEY, agent_jwks_url: 'https://k/agents' });
    expect(requestValue(inline, 'jwt.host_key_delivery')).toBe('inline');
    expect(requestValue(inline, 'jwt.agent_key_delivery')).toBe('jwks');
    const both = hostRequest(2, 0, { host_public_key: INLINE_KEY, host_jwks_url: 'https://k/host' });
    expect(requestValue(both, 'jwt.host_key_delivery')).toBe('both');
    expect(requestValue(both, 'jwt.agent_key_delivery')).toBeUndefined();
  });
});

describe('request selection', () => {
  it('keeps only requests that have every path named by has, and those before a step', () => {
    const jwks = hostRequest(1, 0, { host_jwks_url: 'https://k/host' });
    const inline = hostRequest(2, 600, { host_public_key: INLINE_KEY });
    const kid: Assertion = {
      because: 'kid',
      requests: { has: 'jwt.claims.host_jwks_url' },
      every: 'jwt.header.kid',
      is: { present: true },
    };
    // The JWKS request lacks kid; the inline one is not selected.
    expect(judge(kid, evidence([jwks, inline]))?.detail.exchange).toBe(1);
    expect(judge(kid, evidence([inline]))).toBeUndefined();
    expect(
      judge({ because: 'b', requests: { before: 'mid' }, count: { max: 1 } }, evidence([jwks, inline])),
    ).toBeUndefined();
    expect(
      judge({ because: 'b', requests: { before: 'mid' }, count: { min: 2 } }, evidence([jwks, inline])),
    ).toBeDefined();
  });

  it('accepts several ways of authenticating', () => {
    const host = hostRequest(1, 0, {});
    const anonymous = { ...hostRequest(2, 0, {}), jwt: undefined };
    const signed = { because: 's', requests: { auth: ['host', 'agent'] as const }, count: { max: 1 } };
    expect(judge(signed, evidence([host, anonymous]))).toBeUndefined();
  });
});

describe('comparisons within and across requests', () => {
  it('notSamePathAs fails when two values of one request are equal', () => {
    const distinct = hostRequest(1, 0, { host_jwks_url: 'https://k/host', agent_jwks_url: 'https://k/agents' });
    const shared = hostRequest(2, 0, { host_jwks_url: 'https://k/keys', agent_jwks_url: 'https://k/keys' });
    const assertion = {
      because: 'distinct',
      requests: {},
      every: 'jwt.claims.agent_jwks_url',
      is: { notSamePathAs: 'jwt.claims.host_jwks_url' },
    };
    expect(judge(assertion, evidence([distinct]))).toBeUndefined();
    expect(judge(assertion, evidence([distinct, shared]))?.detail.exchange).toBe(2);
  });

  it('same/per compares a value only among requests sharing the per value', () => {
    const a1 = hostRequest(1, 0, { iss: 'a', host_public_key: INLINE_KEY });
    const b1 = hostRequest(2, 0, { iss: 'b', host_jwks_url: 'https://k/host' });
    const a2 = hostRequest(3, 0, { iss: 'a', host_public_key: INLINE_KEY });
    const switched = hostRequest(4, 0, { iss: 'a', host_jwks_url: 'https://k/host' });
    const assertion = { because: 'stable', requests: {}, same: 'jwt.host_key_delivery', per: 'jwt.claims.iss' };
    expect(judge(assertion, evidence([a1, b1, a2]))).toBeUndefined();
    expect(judge(assertion, evidence([a1, b1, a2, switched]))?.detail.exchange).toBe(4);
    // Without per, the two hosts' different deliveries are a mismatch.
    expect(judge({ because: 'one', requests: {}, same: 'jwt.host_key_delivery' }, evidence([a1, b1]))).toBeDefined();
  });
});

describe('tool results', () => {
  it('reads a JWT a tool handed out through @jwt, and resolves placeholders in result paths', () => {
    const token = compactJwt({ typ: 'agent+jwt' }, { aud: 'https://x', sub: 'agt_1' });
    expect(readPath({ token }, 'token.@jwt.claims.aud')).toBe('https://x');
    expect(readPath({ token: 'not a jwt' }, 'token.@jwt.claims.aud')).toBeUndefined();
    const calls = new Map([
      [
        's',
        {
          ok: true,
          value: { token, capabilities: [{ name: 'list_accounts', grant_status: 'granted' }] },
          text: '',
          surfaced: '',
        },
      ],
    ]);
    expect(
      judge({ because: 'sub', call: 's', path: 'token.@jwt.claims.sub', is: { eq: '${agent}' } }, evidence([], calls)),
    ).toBeUndefined();
    expect(
      judge(
        { because: 'status', call: 's', path: 'capabilities[name=${cap.sync}].grant_status', is: { eq: 'granted' } },
        evidence([], calls),
      ),
    ).toBeUndefined();
  });

  it("looks only at output surfaced before the result with where: 'interim'", () => {
    const calls = new Map([['x', { ok: true, value: 'chunk-2', text: 'chunk-1 chunk-2', surfaced: 'chunk-1' }]]);
    expect(
      judge({ because: 'i', call: 'x', mentions: 'chunk-1', where: 'interim' }, evidence([], calls)),
    ).toBeUndefined();
    expect(
      judge({ because: 'i', call: 'x', mentions: 'chunk-2', where: 'interim' }, evidence([], calls))?.message,
    ).toMatch(/surfaced while the call ran/);
  });
});
