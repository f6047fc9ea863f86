import {
  defineCheck,
  IntrospectActiveResponseSchema,
  type CheckContext,
  type CheckDefinition,
  type IntrospectActiveResponse,
} from '../../../src/harness/api.ts';
import { INTROSPECT_NEEDS } from './fixtures.ts';

/** Seconds an active agent's session expiry may lie in the past before it contradicts `active: true` (clock skew). */
const SKEW_SECONDS = 60;

/** An active delegated agent under a host linked to a user, its introspection, and its status answer. */
async function introspectLinkedAgent(
  t: CheckContext,
): Promise<{ answer: IntrospectActiveResponse; status: Record<string, unknown> | undefined }> {
  const { agent } = await t.client.linkedHost({
    capabilities: [t.capability('sync')],
  });
  const result = await t.client.introspect(await t.client.agentToken(agent));
  t.expectStatus(result, 200, 'introspect a valid token of an active delegated agent of a linked host');
  const answer = t.expectJson(
    result,
    IntrospectActiveResponseSchema,
    'introspection of a delegated agent of a linked host (§5.12 active answer)',
  );
  const status = await t.client.status(agent);
  return {
    answer,
    status: status.status === 200 && typeof status.json === 'object' && status.json !== null ? status.json : undefined,
  };
}

const NEEDS = [...INTROSPECT_NEEDS, { mode: 'delegated' as const }, { capability: 'sync' as const }];

const userId = defineCheck({
  id: 'server.introspection.linked-user-id',
  title: "Introspecting a delegated agent of a linked host gives the linked user's user_id as a string",
  area: 'introspection',
  requirements: ['AAP-5.12-RESP.user_id'],
  level: 'MAY',
  rulings: ['RUL-NULLABLE-OPTIONAL'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { answer, status } = await introspectLinkedAgent(t);
    if (answer.user_id === undefined || answer.user_id === null) {
      t.note(
        `the active answer carries no user_id although the agent's host is linked (optional, §5.12): ${JSON.stringify(answer)}`,
      );
      return;
    }
    t.expect(answer.user_id !== '', 'the active answer carries an empty user_id (§5.12)');
    const statusUser = status?.['user_id'];
    if (typeof statusUser === 'string') {
      t.expect(
        statusUser === answer.user_id,
        `introspection names user_id ${JSON.stringify(answer.user_id)}, the agent's status names ${JSON.stringify(statusUser)}: they should be the same linked user (§5.12, §5.5)`,
      );
    }
    t.note(`user_id ${JSON.stringify(answer.user_id)}`);
  },
});

const expiresAt = defineCheck({
  id: 'server.introspection.expires-at',
  title: 'Introspecting an active agent gives its session expiry as an ISO 8601 expires_at that is not in the past',
  area: 'introspection',
  requirements: ['AAP-5.12-RESP.expires_at'],
  level: 'MAY',
  rulings: ['RUL-NULLABLE-OPTIONAL'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const { answer } = await introspectLinkedAgent(t);
    // The wire model already requires an ISO 8601 date-time with offset when the member is present.
    if (answer.expires_at === undefined || answer.expires_at === null) {
      t.note('the active answer carries no expires_at (optional; present when the agent has a session TTL, §5.12)');
      return;
    }
    const expiry = Date.parse(answer.expires_at) / 1000;
    const now = t.client.now();
    t.expect(
      expiry >= now - SKEW_SECONDS,
      `expires_at ${answer.expires_at} lies ${Math.round(now - expiry)} s in the past, yet the answer says the agent is active (§5.12)`,
    );
    t.note(`expires_at ${answer.expires_at}, ${Math.round(expiry - now)} s from now`);
  },
});

export const checks: CheckDefinition[] = [userId, expiresAt];
