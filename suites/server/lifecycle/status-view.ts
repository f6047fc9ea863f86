import { z } from 'zod';
import {
  DateTimeSchema,
  defineCheck,
  describeAnswer,
  StatusResponseSchema,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, expectExecutes } from '../_shared/execution.ts';
import { grantsOf, isWellFormedGrant } from '../_shared/grants.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { activeAgent } from '../_shared/registration.ts';
import { expectShape } from '../_shared/shape.ts';

/** What status reports about an agent (§5.5): the complete list of its grants and their metadata. */

/** The optional agent-view members of §5.5; absent and null are both accepted (RUL-NULLABLE-OPTIONAL). */
const OptionalAgentFieldsSchema = z.looseObject({
  user_id: z.string().min(1).nullable().optional(),
  activated_at: DateTimeSchema.nullable().optional(),
  last_used_at: DateTimeSchema.nullable().optional(),
  expires_at: DateTimeSchema.nullable().optional(),
});

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.status.lists-every-grant',
    title: 'Status lists every grant the agent holds, as registration and capability requests answered them',
    area: 'lifecycle',
    requirements: ['AAP-5.5-03', 'AAP-5.5-RESP.agent_capability_grants'],
    level: 'MUST',
    needs: [{ endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }, { capability: 'second' }],
    async run(t: CheckContext) {
      const requested = [t.capability('sync'), t.capability('second')];
      const agent = await activeAgent(t, { capabilities: requested });
      const wasPending = agent.registration?.status === 'pending';
      // Capability → the grant status status must show: approval made every pending grant active.
      const expected = new Map<string, string>();
      for (const grant of grantsOf(agent.registration).filter(isWellFormedGrant)) {
        expected.set(grant.capability, wasPending && grant.status === 'pending' ? 'active' : grant.status);
      }
      const highRisk = t.profile.highRisk;
      if (
        highRisk !== undefined &&
        t.client.target.endpoints['request_capability'] !== undefined &&
        !expected.has(highRisk)
      ) {
        const request = await t.client.requestCapability(agent, [highRisk]);
        t.expectStatus(request, [200, 201], `precondition: request-capability for "${highRisk}" (§5.4)`);
        for (const grant of grantsOf(request.json).filter(isWellFormedGrant))
          expected.set(grant.capability, grant.status);
      }
      const missingFromAnswers = requested.filter((name) => !expected.has(name));
      if (missingFromAnswers.length > 0)
        t.note(
          `the registration answer names no grant for ${missingFromAnswers.join(', ')} (judged by the registration checks)`,
        );
      const status = await t.client.status(agent);
      t.expectStatus(status, 200, 'status of the agent');
      const body = t.expectJson(status, StatusResponseSchema, 'status of the agent (§5.5)');
      const shown = new Map(body.agent_capability_grants.map((grant) => [grant.capability, grant.status as string]));
      const problems = [...expected].flatMap(([capability, wanted]) => {
        const actual = shown.get(capability);
        if (actual === undefined) return [`${capability} (${wanted}) is missing`];
        return actual === wanted ? [] : [`${capability} is ${actual}, expected ${wanted}`];
      });
      t.expect(
        problems.length === 0,
        `status does not list the agent's grants as registration and request-capability answered them: ${problems.join('; ')} (§5.5: status is the complete view of the agent)`,
      );
      const extra = [...shown.keys()].filter((capability) => !expected.has(capability));
      if (extra.length > 0) t.note(`status also lists grants for ${extra.join(', ')}`);
    },
  }),
  defineCheck({
    id: 'server.lifecycle.status.granted-by',
    title: 'Every active grant in status names who granted it (granted_by)',
    area: 'lifecycle',
    requirements: ['AAP-5.5-05'],
    level: 'MUST',
    needs: [{ endpoint: 'status' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const status = await t.client.status(agent);
      t.expectStatus(status, 200, 'status of the agent');
      const body = t.expectJson(status, StatusResponseSchema, 'status of the agent (§5.5)');
      const active = body.agent_capability_grants.filter((grant) => grant.status === 'active');
      t.expect(
        active.length > 0,
        `precondition: status of the approved agent lists no active grant (${describeAnswer(status)})`,
      );
      const anonymous = active.filter(
        (grant) => typeof grant.granted_by !== 'string' || grant.granted_by.trim() === '',
      );
      t.expect(
        anonymous.length === 0,
        `active grants ${anonymous.map((grant) => `${grant.capability} (granted_by ${JSON.stringify(grant.granted_by)})`).join(', ')} in status name no granting user or system actor; status is the endpoint that gives all grant metadata, granted_by included (§5.5, §3.3)`,
      );
    },
  }),
  defineCheck({
    id: 'server.lifecycle.status.optional-fields',
    title:
      "Status's optional user_id, activated_at, last_used_at and expires_at are well formed, and a delegated agent names its user",
    area: 'lifecycle',
    requirements: [
      'AAP-5.5-RESP.user_id',
      'AAP-5.5-RESP.activated_at',
      'AAP-5.5-RESP.last_used_at',
      'AAP-5.5-RESP.expires_at',
    ],
    level: 'MAY',
    rulings: ['RUL-NULLABLE-OPTIONAL'],
    needs: [{ endpoint: 'status' }, { mode: 'delegated' }, { control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const { agent } = await t.client.linkedHost({ capabilities: [t.capability('sync')] });
      // One authenticated request, so that last_used_at has something to report.
      await expectExecutes(t, agent, 'precondition: the delegated agent executes');
      const { json } = await readStatus(t, agent, {}, 'status of the active delegated agent');
      const fields = expectShape(
        t,
        json,
        OptionalAgentFieldsSchema,
        'optional members of the status answer (§5.5: string user_id, ISO 8601 timestamps)',
      );
      const absent = ['user_id', 'activated_at', 'last_used_at', 'expires_at'].filter((name) => !isPresent(json[name]));
      if (absent.length > 0) t.note(`status leaves out ${absent.join(', ')}`);
      if (isPresent(fields.activated_at) && isPresent(fields.expires_at)) {
        t.expect(
          Date.parse(fields.expires_at!) > Date.parse(fields.activated_at!),
          `status: expires_at ${fields.expires_at} is not after activated_at ${fields.activated_at} (§5.5)`,
        );
      }
      const createdAt = typeof json.created_at === 'string' ? Date.parse(json.created_at) : Number.NaN;
      if (isPresent(fields.last_used_at) && !Number.isNaN(createdAt)) {
        t.expect(
          Date.parse(fields.last_used_at!) >= createdAt,
          `status: last_used_at ${fields.last_used_at} lies before created_at ${String(json.created_at)} (§5.5)`,
        );
      }
      if (!isPresent(fields.user_id))
        t.note('status of the active delegated agent has no user_id, which §5.5 says delegated agents carry');
    },
  }),
];
