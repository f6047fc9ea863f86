import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as protocol from '../../src/protocol/index.ts';
import {
  APPROVAL_ERROR_CODES,
  AgentAuthChallengeParamsSchema,
  ApprovalSchema,
  type AuthChallenge,
  ChallengeSyntaxError,
  ConstraintsSchema,
  ERROR_CODES,
  ErrorCodeSchema,
  ExecuteResponseSchema,
  GrantSchema,
  KnownConstraintOperatorObjectSchema,
  RegisterResponseSchema,
  WIRE_OBJECTS,
  findAgentAuthChallenge,
  formatAgentAuthChallenge,
  formatWwwAuthenticate,
  isKnownErrorCode,
  parseWwwAuthenticate,
  unknownConstraintOperators,
} from '../../src/protocol/index.ts';
import { INVALID_FIXTURES, VALID_FIXTURES } from './fixtures.ts';

describe('wire-object registry', () => {
  it('uses unique kebab-case names and exports each schema as <Title>Schema', () => {
    const names = WIRE_OBJECTS.map((wireObject) => wireObject.name);
    expect(new Set(names).size).toBe(names.length);
    for (const wireObject of WIRE_OBJECTS) {
      expect(wireObject.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect((protocol as Record<string, unknown>)[`${wireObject.title}Schema`], wireObject.title).toBe(
        wireObject.schema,
      );
    }
  });

  it('describes every schema with a section reference', () => {
    for (const wireObject of WIRE_OBJECTS) {
      expect(wireObject.schema.description, wireObject.name).toMatch(/§\d/);
      expect(wireObject.schema.description).toContain(`§${wireObject.section}`);
    }
  });

  it('parses every valid fixture and rejects every invalid one', () => {
    const schemas = new Map(WIRE_OBJECTS.map((wireObject) => [wireObject.name, wireObject.schema]));
    for (const [name, fixtures] of Object.entries(VALID_FIXTURES)) {
      for (const fixture of fixtures)
        expect(schemas.get(name)?.safeParse(fixture.value).success, `${name}: ${fixture.label}`).toBe(true);
    }
    for (const [name, fixtures] of Object.entries(INVALID_FIXTURES)) {
      for (const fixture of fixtures)
        expect(schemas.get(name)?.safeParse(fixture.value).success, `${name}: ${fixture.label}`).toBe(false);
    }
  });
});

describe('discriminated shapes', () => {
  it('narrows grants by status', () => {
    const grant = GrantSchema.parse({ capability: 'check_balance', status: 'denied', reason: 'no' });
    expect(grant.status === 'denied' && grant.reason).toBe('no');
  });

  it('requires approval only on pending registrations', () => {
    const base = { agent_id: 'a', host_id: 'h', name: 'n', mode: 'delegated', agent_capability_grants: [] };
    expect(RegisterResponseSchema.safeParse({ ...base, status: 'active' }).success).toBe(true);
    expect(RegisterResponseSchema.safeParse({ ...base, status: 'pending' }).success).toBe(false);
  });

  it('keeps the four execute shapes mutually exclusive', () => {
    const shapes = [
      { data: 1 },
      { status: 'pending', status_url: 'https://x.example.test/j' },
      { status: 'completed', result: 1 },
      { status: 'failed', error: { error: 'internal_error', message: 'm' } },
    ];
    for (const shape of shapes) expect(ExecuteResponseSchema.safeParse(shape).success).toBe(true);
    for (const [i, a] of shapes.entries()) {
      for (const [j, b] of shapes.entries()) {
        if (i !== j) expect(ExecuteResponseSchema.safeParse({ ...b, ...a }).success, `${i}+${j}`).toBe(false);
      }
    }
  });

  it('accepts extension approval methods but not a malformed core method', () => {
    expect(ApprovalSchema.safeParse({ method: 'magic_link', expires_in: 5, interval: 1 }).success).toBe(true);
    expect(ApprovalSchema.safeParse({ method: 'device_authorization', expires_in: 5, interval: 1 }).success).toBe(
      false,
    );
  });
});

describe('constraints', () => {
  it('reads object values as operator objects and reports unknown operators', () => {
    const constraints = ConstraintsSchema.parse({
      amount: { max: 10, regex: '.*' },
      currency: 'EUR',
      country: { in: ['CH'], near: 'x', regex: 'y' },
    });
    expect(unknownConstraintOperators(constraints)).toEqual(['near', 'regex']);
    expect(unknownConstraintOperators({ amount: { min: 0, max: 1 }, tags: ['a'] })).toEqual([]);
  });

  it('offers a strict schema for the defined operators', () => {
    expect(KnownConstraintOperatorObjectSchema.safeParse({ min: 0, not_in: [3] }).success).toBe(true);
    expect(KnownConstraintOperatorObjectSchema.safeParse({ min: 0, regex: 'x' }).success).toBe(false);
  });
});

describe('error codes', () => {
  it('pairs every code with its statuses', () => {
    expect(ERROR_CODES.agent_exists.statuses).toEqual([409]);
    expect(ERROR_CODES.authentication_required.statuses).toEqual([401]);
    expect(ERROR_CODES.capability_not_found.scope).toContain('POST /capability/execute');
    for (const info of Object.values(ERROR_CODES)) {
      for (const status of info.statuses) expect(status >= 400 && status < 600).toBe(true);
    }
  });

  it('lists the codes of the §5.11 and §5.13 tables', () => {
    expect(Object.keys(ERROR_CODES)).toHaveLength(26);
    expect(isKnownErrorCode('limit_exceeded')).toBe(true);
    expect(isKnownErrorCode('toString')).toBe(false);
    expect(ErrorCodeSchema.safeParse('agent_claimed').success).toBe(true);
    expect(ErrorCodeSchema.safeParse('authorization_pending').success).toBe(false);
    expect(APPROVAL_ERROR_CODES).toContain('slow_down');
  });
});

describe('WWW-Authenticate challenges', () => {
  const discovery = 'https://auth.sim.example.test/.well-known/agent-configuration';

  it('formats the AgentAuth challenge', () => {
    expect(formatAgentAuthChallenge(discovery)).toBe(`AgentAuth discovery="${discovery}"`);
  });

  it('finds the AgentAuth challenge among others, ignoring scheme case and whitespace', () => {
    const header = `Bearer realm="api", error="invalid_token",agentauth   discovery = "${discovery}" , Basic`;
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
      { scheme: 'agentauth', params: { discovery } },
      { scheme: 'Basic', params: {} },
    ]);
    const challenge = findAgentAuthChallenge(header);
    expect(AgentAuthChallengeParamsSchema.parse(challenge?.params).discovery).toBe(discovery);
  });

  it('combines several header lines and reads token68, tokens and quoted-pairs', () => {
    expect(
      parseWwwAuthenticate([
        'Negotiate a87421000492aa874209af8bc028==',
        'AgentAuth DISCOVERY=x, note="say \\"hi\\" \\\\"',
      ]),
    ).toEqual([
      { scheme: 'Negotiate', params: {}, token68: 'a87421000492aa874209af8bc028==' },
      { scheme: 'AgentAuth', params: { discovery: 'x', note: 'say "hi" \\' } },
    ]);
    expect(parseWwwAuthenticate(' , ,')).toEqual([]);
    expect(findAgentAuthChallenge('Bearer realm="x"')).toBeUndefined();
  });

  it('rejects malformed headers', () => {
    for (const header of [
      'AgentAuth discovery="x',
      'AgentAuth a="1", b=',
      'AgentAuth a=1, a=2',
      'AgentAuth a=1 b=2',
      '=x',
      'A=b',
    ]) {
      expect(() => parseWwwAuthenticate(header), header).toThrow(ChallengeSyntaxError);
    }
  });

  it('round-trips format → parse', () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
    const paramName = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9a-z]{1,12}$/);
    const quotableChar = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constant(0x09),
      fc.integer({ min: 0x80, max: 0xff }),
    );
    const paramValue = fc
      .array(
        quotableChar.map((code) => String.fromCharCode(code)),
        { maxLength: 24 },
      )
      .map((chars) => chars.join(''));
    const withParams: fc.Arbitrary<AuthChallenge> = fc.record({
      scheme: token,
      params: fc
        .uniqueArray(fc.tuple(paramName, paramValue), { selector: ([name]) => name, maxLength: 4 })
        .map((entries) => Object.fromEntries(entries)),
    });
    const withToken68: fc.Arbitrary<AuthChallenge> = fc.record({
      scheme: token,
      params: fc.constant({}),
      token68: fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,16}={0,2}$/),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(withParams, withToken68), { minLength: 1, maxLength: 4 }), (challenges) => {
        expect(parseWwwAuthenticate(formatWwwAuthenticate(challenges))).toEqual(challenges);
      }),
      // A counterexample fast-check once found: a parameter named __proto__ was lost on parsing.
      { examples: [[[{ scheme: '!', params: JSON.parse('{"__proto__":""}') }]]] },
    );
  });
});
