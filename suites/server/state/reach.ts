import {
  missingRoleReason,
  describeAnswer,
  WITHIN_ONE_SECOND_MS,
  type AgentIdentity,
  type CheckContext,
  type CheckNeed,
  type HostIdentity,
} from '../../../src/harness/api.ts';
import { activeSyncAgent } from '../_shared/execution.ts';
import { grantsOf, isWellFormedGrant } from '../_shared/grants.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import {
  agentOfNewlyLinkedHost,
  control,
  expectAgentStatus,
  hostLinkedTo,
  newUser,
  pendingAgent,
  rejectedAgent,
} from '../lifecycle/fixtures.ts';

/**
 * How the state walker brings a fresh agent into each state of spec/state-table.yaml: through the
 * protocol wherever it can, through the operator hook where only a user or a clock can move it.
 * Every state starts from a host of its own, so cells never share anything.
 */

export interface Subject {
  agent: AgentIdentity;
  host: HostIdentity;
  /** The capability the state's grant is for (the table's `subject`). */
  capability: string;
  /** Capabilities the agent asked for or was given, so "another capability" is none of them. */
  held: string[];
}

export interface StateReach {
  needs: CheckNeed[];
  reach(t: CheckContext): Promise<Subject>;
}

/** What the registration answer or a status read says the agent holds (any grant status). */
function heldBy(json: unknown, asked: readonly string[]): string[] {
  const named = grantsOf(json)
    .filter(isWellFormedGrant)
    .map((grant) => grant.capability);
  return [...new Set([...asked, ...named])];
}

async function activeSubject(
  t: CheckContext,
  opts: { host?: HostIdentity; mode?: 'delegated' | 'autonomous' } = {},
): Promise<Subject> {
  const host = opts.host ?? (await t.client.newHost());
  const agent = await activeSyncAgent(t, { host, mode: opts.mode ?? 'delegated' });
  const sync = t.capability('sync');
  return { agent, host, capability: sync, held: heldBy(agent.registration, [sync]) };
}

/** The active subject (delegated unless said), then moved by `move`, then seen by status as `wanted`. */
function movedFromActive(
  wanted: string,
  move: (t: CheckContext, subject: Subject) => Promise<unknown>,
  mode: 'delegated' | 'autonomous' = 'delegated',
): (t: CheckContext) => Promise<Subject> {
  return async (t) => {
    const subject = await activeSubject(t, { mode });
    await move(t, subject);
    // The operator's operations answer once done; a revocation may take up to a second to show
    // (RUL-REVOCATION-LATENCY). Longer would only slow down the run on a target that never gets there.
    await expectAgentStatus(
      t,
      subject.agent,
      wanted,
      `precondition: bringing the agent into the "${wanted}" state`,
      WITHIN_ONE_SECOND_MS,
    );
    return subject;
  };
}

/** An active agent of a linked host with a further capability requested: its grant awaits approval. */
async function grantPending(t: CheckContext): Promise<Subject> {
  const subject = await activeSubject(t);
  const highRisk = t.capability('high-risk');
  const asked = await t.client.requestCapability(subject.agent, [highRisk]);
  const grant = grantsOf(asked.json).find((entry) => entry.capability === highRisk);
  if (asked.status !== 200 || grant?.status !== 'pending')
    t.fail(`precondition: requesting ${highRisk} left no pending grant (${describeAnswer(asked)})`);
  return { ...subject, capability: highRisk, held: [...subject.held, highRisk] };
}

const SYNC: CheckNeed = { capability: 'sync' };
const HIGH_RISK: CheckNeed = { capability: 'high-risk' };

export const REACH: Record<string, StateReach> = {
  active: { needs: [SYNC], reach: (t) => activeSubject(t) },
  pending: {
    needs: [SYNC, { control: 'approve' }],
    async reach(t) {
      const { agent, hostPending } = await pendingAgent(t);
      if (hostPending)
        t.skip(`no pending agent under an approved host could be made: ${missingRoleReason('high-risk')}`);
      const asked = heldBy(agent.registration, []);
      const capability = asked.find((name) => name !== t.capability('sync')) ?? t.capability('sync');
      return { agent, host: agent.host, capability, held: asked };
    },
  },
  'pending-host': {
    needs: [SYNC],
    async reach(t) {
      const agent = await t.client.pendingAgent({ capabilities: [t.capability('sync')] });
      return { agent, host: agent.host, capability: t.capability('sync'), held: heldBy(agent.registration, []) };
    },
  },
  expired: {
    needs: [SYNC, { control: 'expire-agent' }],
    reach: movedFromActive('expired', (t, { agent }) =>
      control(t).expireAgent({ agent_id: agent.agentId, clock: 'session' }),
    ),
  },
  'expired-max': {
    needs: [SYNC, { control: 'expire-agent' }],
    reach: movedFromActive('expired', (t, { agent }) =>
      control(t).expireAgent({ agent_id: agent.agentId, clock: 'max' }),
    ),
  },
  revoked: {
    needs: [SYNC],
    reach: movedFromActive('revoked', async (t, { agent }) => {
      const revoked = await t.client.revoke(agent);
      if (revoked.status !== 200) t.fail(`precondition: revoking the agent answered ${describeAnswer(revoked)}`);
    }),
  },
  'absolute-revoked': {
    needs: [SYNC, { control: 'expire-agent' }],
    reach: movedFromActive('revoked', (t, { agent }) =>
      control(t).expireAgent({ agent_id: agent.agentId, clock: 'absolute' }),
    ),
  },
  rejected: {
    needs: [SYNC, { control: 'deny' }],
    async reach(t) {
      const { agent } = await rejectedAgent(t);
      const asked = heldBy(agent.registration, []);
      return { agent, host: agent.host, capability: asked[0] ?? t.capability('sync'), held: asked };
    },
  },
  claimed: {
    needs: [SYNC, { mode: 'autonomous' }, { control: 'link-host' }],
    async reach(t) {
      const { agent, host } = await agentOfNewlyLinkedHost(t);
      await expectAgentStatus(
        t,
        agent,
        'claimed',
        'precondition: the autonomous agent once its host was linked (§2.10)',
      );
      return {
        agent,
        host,
        capability: t.capability('sync'),
        held: heldBy(agent.registration, [t.capability('sync')]),
      };
    },
  },
  'host-revoked': {
    needs: [SYNC],
    async reach(t) {
      const subject = await activeSubject(t);
      const revoked = await t.client.revokeHost(subject.host);
      if (revoked.status !== 200) t.fail(`precondition: revoking the host answered ${describeAnswer(revoked)}`);
      return subject;
    },
  },
  unlinked: {
    needs: [SYNC, { control: 'unlink-host' }],
    reach: movedFromActive('revoked', async (t, { agent, host }) =>
      control(t).unlinkHost({ host_id: await hostIdOf(t, host, agent) }),
    ),
  },
  'user-deleted': {
    needs: [SYNC, { control: 'create-user' }, { control: 'link-host' }, { control: 'delete-user' }],
    async reach(t) {
      const userId = await newUser(t);
      const { host, agent } = await hostLinkedTo(t, userId);
      await control(t).deleteUser({ user_id: userId });
      const sync = t.capability('sync');
      return { agent, host, capability: sync, held: heldBy(agent.registration, [sync]) };
    },
  },
  'grant-pending': { needs: [SYNC, HIGH_RISK], reach: grantPending },
  autonomous: { needs: [SYNC, { mode: 'autonomous' }], reach: (t) => activeSubject(t, { mode: 'autonomous' }) },
  'autonomous-expired': {
    needs: [SYNC, { mode: 'autonomous' }, { control: 'expire-agent' }],
    reach: movedFromActive(
      'expired',
      (t, { agent }) => control(t).expireAgent({ agent_id: agent.agentId, clock: 'session' }),
      'autonomous',
    ),
  },
  'grant-denied': {
    needs: [SYNC, HIGH_RISK, { control: 'deny' }],
    async reach(t) {
      const subject = await grantPending(t);
      await control(t).deny({ agent_id: subject.agent.agentId, capabilities: [subject.capability] });
      return subject;
    },
  },
};
