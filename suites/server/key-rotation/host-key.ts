import {
  defineCheck,
  describeAnswer,
  errorCode,
  RotateHostKeyResponseSchema,
  type CheckContext,
  type CheckDefinition,
  type CheckNeed,
} from '../../../src/harness/api.ts';
import { executeSync, expectExecutes } from '../_shared/execution.ts';
import { activeCapabilities } from '../_shared/grants.ts';
import { hostIdOf, readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, isRefusal, withinOneSecond, type Refusal } from '../_shared/refusals.ts';
import { p256PublicJwk } from '../_shared/unusable-keys.ts';

const NEEDS: CheckNeed[] = [{ endpoint: 'rotate_host_key' }, { control: 'approve' }, { capability: 'sync' }];
const BAD_KEY_REFUSALS: readonly Refusal[] = [
  [400, 'unsupported_algorithm'],
  [400, 'invalid_request'],
];

/** An approved, linked host with one active agent granted the sync capability. */
function linkedHostWithAgent(t: CheckContext) {
  return t.client.linkedHost({ capabilities: [t.capability('sync')] });
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.key-rotation.host.response',
    title: 'Host key rotation answers 200 {host_id, status: "active"}',
    area: 'key-rotation',
    requirements: ['AAP-5.9-05', 'AAP-5.9-RESP.host_id', 'AAP-5.9-RESP.status'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const hostId = await hostIdOf(t, host, agent);
      const result = await t.client.rotateHostKey(host);
      t.expectStatus(result, 200, 'rotate the host key (§5.9)');
      const body = t.expectJson(result, RotateHostKeyResponseSchema, 'host key rotation response (§5.9)');
      t.expect(
        body.host_id === hostId,
        `host key rotation response: expected host_id "${hostId}", got "${body.host_id}"`,
      );
      t.expect(
        body.status === 'active',
        `host key rotation response: expected the active host's status "active" (§5.9), got "${body.status}"`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.host.new-key-authenticates',
    title: 'After a host key rotation the new key authenticates the same host, with its agents and grants unchanged',
    area: 'key-rotation',
    requirements: ['AAP-5.9-01', 'AAP-5.9-06'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const before = await readStatus(t, agent, {}, 'status before rotation');
      const result = await t.client.rotateHostKey(host);
      t.expectStatus(result, 200, 'rotate the host key (§5.9)');
      const after = await readStatus(t, agent, {}, 'status with the new host key (§5.9)');
      t.expect(
        after.status === before.status,
        `status with the new host key: the agent's status changed from "${before.status}" to "${after.status}" (§5.9)`,
      );
      const grantsBefore = activeCapabilities(before.grants).join(', ');
      const grantsAfter = activeCapabilities(after.grants).join(', ');
      t.expect(
        grantsBefore === grantsAfter,
        `status with the new host key: active grants changed from [${grantsBefore}] to [${grantsAfter}] (§5.9)`,
      );
      t.expect(
        after.json.host_id === before.json.host_id && after.json.user_id === before.json.user_id,
        `status with the new host key: host_id/user_id changed from ${JSON.stringify([before.json.host_id, before.json.user_id])} to ${JSON.stringify([after.json.host_id, after.json.user_id])} (§5.9)`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.host.old-key-refused',
    title: 'After a host key rotation, host JWTs signed with the old key are refused at once',
    area: 'key-rotation',
    requirements: ['AAP-5.9-03'],
    level: 'MUST',
    rulings: ['RUL-REVOCATION-LATENCY'],
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const oldKeys = host.keys;
      const result = await t.client.rotateHostKey(host);
      t.expectStatus(result, 200, 'rotate the host key (§5.9)');
      const status = await withinOneSecond(() => t.client.status(agent, { host: oldKeys }));
      t.expect(
        isRefusal(status) && errorCode(status) !== undefined && status.json?.agent_capability_grants === undefined,
        `status with the replaced host key: expected an error (§5.9: the old key stops working immediately), got ${describeAnswer(status)}`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.host.agents-keep-working',
    title: "After a host key rotation the host's agents keep executing (agent tokens naming the new host thumbprint)",
    area: 'key-rotation',
    requirements: ['AAP-5.9-02'],
    level: 'MUST',
    rulings: ['RUL-HOST-ROTATION-AGENT-ISS'],
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const oldThumbprint = host.keys.thumbprint;
      await expectExecutes(t, agent, 'precondition: before the host key rotation');
      const result = await t.client.rotateHostKey(host);
      t.expectStatus(result, 200, 'rotate the host key (§5.9)');
      const declared = t.client.agentIssuer(host);
      if (declared !== host.keys.thumbprint) {
        // A declared issuer workaround: the agents must keep working under the identifier it names, too.
        await expectExecutes(
          t,
          agent,
          `execute with iss = ${declared} (the issuer workaround of the target profile; §5.9)`,
        );
      }
      await expectExecutes(t, agent, 'execute with iss = the new host thumbprint (§5.9, RUL-HOST-ROTATION-AGENT-ISS)', {
        hostIss: host.keys.thumbprint,
      });
      const oldIss = await executeSync(t, agent, { hostIss: oldThumbprint });
      t.note(
        `an agent token still naming the old host thumbprint was answered ${describeAnswer(oldIss)} (either is accepted by RUL-HOST-ROTATION-AGENT-ISS)`,
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.host.rejects-non-ed25519-key',
    title: 'Host key rotation to a non-Ed25519 key answers 400 and keeps the current key',
    area: 'key-rotation',
    requirements: ['AAP-5.13-ERR.host-rotate-key.unsupported_algorithm'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const result = await t.client.rotateHostKey(host, { body: { public_key: await p256PublicJwk() } });
      const [, code] = expectRefusal(t, result, BAD_KEY_REFUSALS, 'rotate the host key to a P-256 key', '§4.1, §5.13');
      if (code === 'invalid_request')
        t.note('a well-formed P-256 key was answered invalid_request; §5.13 names unsupported_algorithm for it');
      await readStatus(
        t,
        agent,
        {},
        'status with the current host key afterwards (the refused rotation must change nothing)',
      );
    },
  }),
  defineCheck({
    id: 'server.key-rotation.host.requires-current-key',
    title: 'A host key rotation not signed by the current host key is refused and installs nothing',
    area: 'key-rotation',
    requirements: ['AAP-5.9-04'],
    level: 'MUST',
    needs: NEEDS,
    async run(t: CheckContext) {
      const { host, agent } = await linkedHostWithAgent(t);
      const result = await t.client.rotateHostKey(host, { tokenOpts: { variant: 'other-key' } });
      expectRefusal(
        t,
        result,
        [INVALID_JWT],
        'rotate the host key with a JWT signed by another key',
        '§5.9, §4.5.1 step 5',
      );
      await readStatus(
        t,
        agent,
        {},
        'status with the current host key afterwards (the refused rotation must change nothing)',
      );
      const proposed = await t.client.status(agent, { host: result.newKeys });
      t.expect(
        isRefusal(proposed),
        `status signed with the key the refused rotation proposed: expected an error, got ${describeAnswer(proposed)}`,
      );
    },
  }),
];
