import {
  describeAnswer,
  type CheckContext,
  type CheckNeed,
  type ControlOperation,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { hostIdOf } from '../_shared/lifecycle.ts';
import { control } from '../lifecycle/fixtures.ts';
import type { Subject } from './reach.ts';

/**
 * The events of spec/state-table.yaml (`events`), each made to happen once to a subject brought
 * into a state. The host's own events go through the protocol; the user's, the clocks' and the
 * operator's through the control hook. Whether the event is allowed in that state is not judged
 * here: a refusal (an operator hook answering 409 to approving an agent with nothing pending, a
 * revoked host's JWT refused) is a legitimate way for the state to stay as it was, and the walk
 * judges only what the agent is in afterwards.
 */

export interface StateEvent {
  needs: CheckNeed[];
  /** Makes the event happen; the host's own requests return their answer, for the table to judge. */
  happen(t: CheckContext, subject: Subject, ctx: EventContext): Promise<HttpResult | undefined>;
}

export interface EventContext {
  /** The user the subject's host was linked to, when the check made one (user deletion). */
  userId?: string;
}

/** Performs an operator operation, noting (not judging) a refusal the state may call for. */
async function operator(t: CheckContext, op: ControlOperation, body: Record<string, unknown>): Promise<HttpResult> {
  const result = await control(t).attempt(op, body);
  if (result.status >= 400) t.note(`the control hook refused "${op}" in this state: ${describeAnswer(result)}`);
  return result;
}

/** The host id, known from registration (or a status read made before the event). */
const hostOf = (t: CheckContext, { host, agent }: Subject) => hostIdOf(t, host, agent);

const expire = (clock: 'session' | 'max' | 'absolute'): StateEvent => ({
  needs: [{ control: 'expire-agent' }],
  happen: async (t, { agent }) => {
    await operator(t, 'expire-agent', { agent_id: agent.agentId, clock });
    return undefined;
  },
});

export const EVENTS: Record<string, StateEvent> = {
  approve: {
    needs: [{ control: 'approve' }],
    happen: async (t, { agent }) => {
      await operator(t, 'approve', { agent_id: agent.agentId, user_id: t.client.approvingUser });
      return undefined;
    },
  },
  deny: {
    needs: [{ control: 'deny' }],
    happen: async (t, { agent }) => {
      await operator(t, 'deny', { agent_id: agent.agentId, reason: 'conformance: state walk' });
      return undefined;
    },
  },
  'expire-session': expire('session'),
  'expire-max': expire('max'),
  'expire-absolute': expire('absolute'),
  'host-revoke': {
    needs: [{ endpoint: 'revoke_host' }],
    happen: (t, { host }) => t.client.revokeHost(host),
  },
  'host-rotate-key': {
    needs: [{ endpoint: 'rotate_host_key' }],
    happen: (t, { host }) => t.client.rotateHostKey(host),
  },
  link: {
    needs: [{ control: 'link-host' }],
    happen: async (t, subject) => {
      await operator(t, 'link-host', { host_id: await hostOf(t, subject), user_id: t.client.approvingUser });
      return undefined;
    },
  },
  unlink: {
    needs: [{ control: 'unlink-host' }],
    happen: async (t, subject) => {
      await operator(t, 'unlink-host', { host_id: await hostOf(t, subject) });
      return undefined;
    },
  },
  'user-delete': {
    needs: [{ control: 'create-user' }, { control: 'delete-user' }],
    happen: async (t, _subject, { userId }) => {
      if (userId === undefined) throw new Error('user deletion walked without a user of the check (suite defect)');
      await control(t).deleteUser({ user_id: userId });
      return undefined;
    },
  },
  'remove-capability': {
    // The runner restores the capability when the check ends (spec/control-contract.md §5.12).
    needs: [{ control: 'remove-capability' }, { control: 'restore-capability' }],
    happen: async (t, { capability }) => {
      await control(t).removeCapability({ name: capability });
      return undefined;
    },
  },
};
