import {
  defineCheck,
  describeAnswer,
  RotateAgentKeyResponseSchema,
  type CheckContext,
  type CheckDefinition,
  type CheckNeed,
} from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync, expectExecutes } from '../_shared/execution.ts';
import { asIntruder, expectForeignRefusal, foreignSetup } from '../_shared/foreign-agent.ts';
import { expectRefusal, INVALID_JWT, withinOneSecond, type Refusal } from '../_shared/refusals.ts';
import { MALFORMED_ED25519_JWKS, p256PublicJwk } from '../_shared/unusable-keys.ts';

const NEEDS: CheckNeed[] = [{ endpoint: 'rotate_key' }, { control: 'approve' }, { capability: 'sync' }];
const BAD_KEY_REFUSALS: readonly Refusal[] = [
  [400, 'unsupported_algorithm'],
  [400, 'invalid_request'],
];

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.agent.response',
    title: 'Agent key rotation answers 200 {agent_id, status: "active"}',
    area: 'key-rotation',
    requirements: ['AAP-5.8-04', 'AAP-5.8-RESP.agent_id', 'AAP-5.8-RESP.status'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const result = await t.client.rotateAgentKey(agent);
      t.expectStatus(result, 200, 'rotate the agent key (§5.8)');
      const body = t.expectJson(result, RotateAgentKeyResponseSchema, 'agent key rotation response (§5.8)');
      t.expect(
        body.agent_id === agent.agentId,
        `agent key rotation response: expected agent_id "${agent.agentId}", got "${body.agent_id}"`,
      );
      t.expect(
        body.status === 'active',
        `agent key rotation response: expected the active agent's status "active" (§5.8), got "${body.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.agent.new-key-authenticates',
    title: 'After an agent key rotation, tokens signed with the new key authenticate as the same agent',
    area: 'key-rotation',
    requirements: ['AAP-5.8-01'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      await expectExecutes(t, agent, 'precondition: before rotation');
      const result = await t.client.rotateAgentKey(agent);
      t.expectStatus(result, 200, 'rotate the agent key (§5.8)');
      await expectExecutes(t, agent, 'execute with the new agent key (§5.8)');
    },
  }),
  defineCheck({
    id: 'server.key-rotation.agent.old-key-refused',
    title: 'After an agent key rotation, tokens signed with the old key are refused at once',
    area: 'key-rotation',
    requirements: ['AAP-5.8-02'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: NEEDS,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const oldKeys = agent.keys;
      await expectExecutes(t, agent, 'precondition: before rotation');
      const result = await t.client.rotateAgentKey(agent);
      t.expectStatus(result, 200, 'rotate the agent key (§5.8)');
      const execute = await withinOneSecond(() => executeSync(t, agent, { agent: oldKeys }));
      expectRefusal(
        t,
        execute,
        [INVALID_JWT],
        'execute with the replaced agent key',
        '§5.8: the old key stops working immediately; §5.13',
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.agent.foreign-host-refused',
    title: "A host cannot rotate the key of another host's agent",
    area: 'key-rotation',
    requirements: ['AAP-5.8-03'],
    level: 'MUST',
    rulings: ['RUL-FOREIGN-AGENT'],
    needs: NEEDS,
    async run(t: CheckContext) {
      const setup = await foreignSetup(t);
      const result = await t.client.rotateAgentKey(asIntruder(setup));
      expectForeignRefusal(t, result, setup, "rotate the key of another host's agent");
      await expectExecutes(
        t,
        setup.victim,
        "execute with the victim's own key afterwards (the refused rotation must change nothing)",
      );
      const intruderKey = await executeSync(t, setup.victim, { agent: result.newKeys });
      t.expect(
        intruderKey.status !== 200,
        `execute with the key the other host tried to install: expected a refusal, got ${describeAnswer(intruderKey)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.agent.rejects-non-ed25519-key',
    title: 'Agent key rotation to a non-Ed25519 key answers 400 and keeps the current key',
    area: 'key-rotation',
    requirements: ['AAP-5.13-ERR.rotate-key.unsupported_algorithm'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const result = await t.client.rotateAgentKey(agent, { body: { public_key: await p256PublicJwk() } });
      const [, code] = expectRefusal(t, result, BAD_KEY_REFUSALS, 'rotate the agent key to a P-256 key', '§4.1, §5.13');
      if (code === 'invalid_request')
        t.note('a well-formed P-256 key was answered invalid_request; §5.13 names unsupported_algorithm for it');
      await expectExecutes(
        t,
        agent,
        'execute with the current key afterwards (the refused rotation must change nothing)',
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.agent.rejects-malformed-key',
    title: 'Agent key rotation with a malformed or missing public_key answers 400 and keeps the current key',
    area: 'key-rotation',
    requirements: ['AAP-5.8-04', 'AAP-5.13-ERR.invalid_request'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      for (const { what, jwk } of MALFORMED_ED25519_JWKS) {
        const result = await t.client.rotateAgentKey(agent, { body: { public_key: jwk } });
        expectRefusal(t, result, BAD_KEY_REFUSALS, `rotate the agent key to ${what}`, '§5.8, §5.13');
      }
      const missing = await t.client.rotateAgentKey(agent, { body: { public_key: undefined } });
      expectRefusal(t, missing, [[400, 'invalid_request']], 'rotate the agent key without public_key', '§5.8, §5.13');
      await expectExecutes(
        t,
        agent,
        'execute with the current key afterwards (the refused rotations must change nothing)',
      );
    },
  }),
];
