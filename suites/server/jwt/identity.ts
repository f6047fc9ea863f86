import {
  argumentsFor,
  defineCheck,
  describeExchange,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { isSuccess } from './probes.ts';

/**
 * The identifier a host's tokens carry is the thumbprint of its key (§4.2, §4.3). Fixtures give
 * host keys a `kid` equal to that thumbprint, so a server that looks hosts up by `kid` instead
 * would go unnoticed there; these checks use tokens that leave the thumbprint as the only clue.
 * They name the thumbprint explicitly, so a declared issuer workaround never applies to them.
 */
export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.jwt.host.status.thumbprint-identifies-host',
    title: 'A host whose inline key has no kid is recognised by the thumbprint iss of its host JWTs',
    area: 'jwt',
    requirements: ['AAP-4.2-04', 'AAP-4.2-CLAIM.iss', 'AAP-4.5.1-STEP4'],
    level: 'MUST',
    needs: [{ endpoint: 'register' }, { endpoint: 'status' }, { control: 'approve' }],
    async run(t: CheckContext) {
      const host = await t.client.newHost({ kid: null });
      const registration = await t.client.register(host);
      const agent =
        registration.agent ??
        t.fail(`precondition: registration did not create an agent: ${describeExchange(registration.exchange)}`);
      if (registration.json?.status === 'pending') {
        const userCode: unknown = agent.registration?.approval?.user_code;
        await t.control!.approve({
          agent_id: agent.agentId,
          user_code: typeof userCode === 'string' ? userCode : undefined,
        });
      }
      const status = await t.client.awaitAgentStatus(agent, 'active');
      t.expectStatus(
        status,
        200,
        'GET status with a host JWT whose iss is the thumbprint of the host key, which has no kid (§4.2: an inline-key host is identified by that thumbprint)',
      );
    },
  }),
  defineCheck({
    id: 'server.jwt.agent.execute.thumbprint-iss-accepted',
    title: "An agent JWT whose iss is its host key's thumbprint authenticates the agent",
    area: 'jwt',
    requirements: ['AAP-4.3-CLAIM.iss', 'AAP-4.5-STEP4'],
    level: 'MUST',
    needs: [{ control: 'approve' }, { capability: 'sync' }],
    async run(t: CheckContext) {
      const capability = t.capability('sync');
      const args = argumentsFor(t.profile, capability);
      const agent = await t.client.activeAgent({ capabilities: [capability] });
      const thumbprint = agent.host.keys.thumbprint;
      const result = await t.client.execute(agent, capability, args, { tokenOpts: { hostIss: thumbprint } });
      const declared = t.client.agentIssuer(agent.host);
      if (!isSuccess(result) && declared !== thumbprint) {
        // A declared issuer workaround is in force: show whether iss alone made the difference.
        const control = await t.client.execute(agent, capability, args, { tokenOpts: { hostIss: declared } });
        t.note(
          `the same request with iss = ${declared} (the issuer workaround of the target profile) was answered HTTP ${control.status}`,
        );
      }
      t.expectStatus(
        result,
        200,
        `POST execute ${capability} with an agent JWT whose iss is the host key thumbprint ${thumbprint} (§4.3, §4.5 step 4)`,
      );
    },
  }),
];
