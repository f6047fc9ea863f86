import { randomUUID } from 'node:crypto';
import {
  defineCheck,
  describeAnswer,
  IntrospectInactiveResponseSchema,
  retryUntil,
  WITHIN_ONE_SECOND_MS,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { INTROSPECT_NEEDS } from './fixtures.ts';

/** A token that introspection must report as inactive, and how to obtain it. */
interface InactiveCase {
  key: string;
  /** Completes "introspecting …". */
  title: string;
  requirements: string[];
  rulings?: string[];
  introspect(t: CheckContext, agent: AgentIdentity): Promise<HttpResult>;
}

const CASES: InactiveCase[] = [
  {
    key: 'expired-jwt',
    title: 'a token that expired two minutes ago',
    requirements: ['AAP-4.5-STEP8'],
    introspect: async (t, agent) =>
      t.client.introspect(await t.client.agentToken(agent, { iat: t.client.now() - 180, exp: t.client.now() - 120 })),
  },
  {
    key: 'bad-signature',
    title: 'a token whose signature has one bit flipped',
    requirements: ['AAP-4.5-STEP7'],
    introspect: async (t, agent) =>
      t.client.introspect(await t.client.agentToken(agent, { variant: 'corrupt-signature' })),
  },
  {
    key: 'revoked-agent',
    title: 'a valid token of a revoked agent',
    requirements: ['AAP-4.5-STEP6', 'AAP-4.5-01'],
    rulings: ['RUL-REVOCATION-LATENCY'],
    async introspect(t, agent) {
      const revoked = await t.client.revoke(agent);
      t.expectStatus(revoked, 200, 'precondition: POST revoke of the agent by its host');
      return retryUntil(
        async () => t.client.introspect(await t.client.agentToken(agent)),
        (last) => last.json?.active !== true,
        WITHIN_ONE_SECOND_MS,
      );
    },
  },
  {
    key: 'unknown-agent',
    title: 'a token whose sub names no agent',
    requirements: ['AAP-4.5-STEP5'],
    introspect: async (t, agent) =>
      t.client.introspect(await t.client.agentToken(agent, { agentId: `agt_conformance_${randomUUID()}` })),
  },
  {
    key: 'wrong-typ',
    title: 'a token typed "JWT" instead of agent+jwt',
    requirements: ['AAP-4.5-STEP1'],
    introspect: async (t, agent) => t.client.introspect(await t.client.agentToken(agent, { typ: 'JWT' })),
  },
  {
    key: 'foreign-aud',
    title: 'a token whose aud is another server',
    requirements: ['AAP-4.5-STEP3'],
    rulings: ['RUL-INTROSPECT-AUDIENCE'],
    introspect: async (t, agent) =>
      t.client.introspect(await t.client.agentToken(agent, { aud: 'https://other-server.invalid' })),
  },
];

/** MUST: never active. A 4xx error instead of 200 {active:false} is left to the SHOULD check (RUL-INTROSPECT-ANSWERS). */
function inactiveCheck(c: InactiveCase): CheckDefinition {
  return defineCheck({
    id: `server.introspection.inactive.${c.key}`,
    title: `Introspecting ${c.title} does not answer active`,
    area: 'introspection',
    requirements: ['AAP-5.12-RESP.active', 'AAP-5.12-02', ...c.requirements],
    level: 'MUST',
    rulings: ['RUL-INTROSPECT-ANSWERS', ...(c.rulings ?? [])],
    needs: INTROSPECT_NEEDS,
    async run(t) {
      const agent = await t.client.activeAgent();
      const result = await c.introspect(t, agent);
      const inactive = result.status === 200 && result.json?.active === false;
      const refused =
        !result.error && result.status >= 400 && result.status < 500 && typeof result.json?.error === 'string';
      if (!inactive && !refused) {
        t.fail(`introspecting ${c.title}: expected 200 {"active": false} (§5.12), got ${describeAnswer(result)}`);
      }
    },
  });
}

const inactiveAnswerShape = defineCheck({
  id: 'server.introspection.inactive-answers-200',
  title: 'Every inactive token introspects as 200 {"active": false} without agent details',
  area: 'introspection',
  requirements: ['AAP-5.12-RESP.active'],
  level: 'SHOULD',
  rulings: ['RUL-INTROSPECT-ANSWERS'],
  needs: INTROSPECT_NEEDS,
  async run(t) {
    const problems: string[] = [];
    for (const c of CASES) {
      const result = await c.introspect(t, await t.client.activeAgent());
      const parsed = result.status === 200 ? IntrospectInactiveResponseSchema.safeParse(result.json) : undefined;
      if (!parsed?.success) problems.push(`${c.title}: ${describeAnswer(result)}`);
    }
    if (problems.length > 0) {
      t.fail(
        `inactive tokens should be answered 200 {"active": false} with no agent fields (§5.12, RFC 7662 §2.2):\n- ${problems.join('\n- ')}`,
      );
    }
  },
});

const missingToken = defineCheck({
  id: 'server.introspection.missing-token',
  title: 'An introspection request without token answers 400 invalid_request or 200 {"active": false}',
  area: 'introspection',
  requirements: ['AAP-5.12-FIELD.token'],
  level: 'MUST',
  rulings: ['RUL-INTROSPECT-ANSWERS'],
  needs: [{ endpoint: 'introspect' }],
  async run(t) {
    const result = await t.client.raw('POST', t.client.endpointUrl('introspect'), {
      json: {},
      label: 'introspect without token',
    });
    const inactive = result.status === 200 && result.json?.active === false;
    const invalid = result.status === 400 && result.json?.error === 'invalid_request';
    if (!inactive && !invalid) {
      t.fail(
        `POST introspect with an empty body: expected 400 invalid_request or 200 {"active": false} (§5.12, RUL-INTROSPECT-ANSWERS), got ${describeAnswer(result)}`,
      );
    }
  },
});

export const checks: CheckDefinition[] = [...CASES.map(inactiveCheck), inactiveAnswerShape, missingToken];
