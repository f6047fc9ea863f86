import { defineCheck, DeniedGrantSchema, type CheckContext } from '../../../src/harness/api.ts';
import { awaitGrantStatus, describeGrants, grantFor } from '../_shared/grants.ts';
import { registerPending } from '../_shared/registration.ts';
import { expectShape } from '../_shared/shape.ts';

const deniedGrantFormat = defineCheck({
  id: 'server.approval.denied-grant-format',
  title:
    'A capability the user denied shows in status as a denied grant: capability, status "denied" and a text reason',
  area: 'approval',
  requirements: ['AAP-5.5-06'],
  level: 'MUST',
  needs: [
    { endpoint: 'register' },
    { endpoint: 'status' },
    { control: 'approve' },
    { control: 'deny' },
    { capability: 'sync' },
    { capability: 'second' },
  ],
  async run(t: CheckContext) {
    const approved = t.capability('sync');
    const denied = t.capability('second');
    const { agent } = await registerPending(t, { capabilities: [approved, denied] });
    await t.control!.deny({
      agent_id: agent.agentId,
      capabilities: [denied],
      reason: 'conformance: not needed for this task',
    });
    // The other grant still awaits the user unless the server already settled the agent.
    const afterDeny = await t.client.status(agent);
    if (afterDeny.status !== 200 || afterDeny.json?.status === 'pending') await t.client.approve(agent, [approved]);
    const status = await awaitGrantStatus(t, agent, denied, ['denied']);
    t.expectStatus(status, 200, 'status after the partial denial');
    const grant = grantFor(status.json, denied);
    t.expect(
      grant?.status === 'denied',
      `after the user denied "${denied}", status shows ${describeGrants(status.json)}; expected a denied grant for it (§5.5)`,
    );
    const shaped = expectShape(
      t,
      grant,
      DeniedGrantSchema,
      `denied grant ${denied} in status (§5.5: capability, status, reason)`,
    );
    // §5.3 calls the reason optional; its absence is scored by server.approval.denied-grant-reason (SHOULD).
    if (shaped.reason === undefined || shaped.reason === null) {
      t.note(`denied grant ${denied} carries no reason (optional per §5.3; see server.approval.denied-grant-reason)`);
      return;
    }
    t.expect(
      shaped.reason.trim() !== '',
      `denied grant ${denied} has an empty reason; the reason is human-readable text (§5.5)`,
    );
  },
});

export const checks = [deniedGrantFormat];
