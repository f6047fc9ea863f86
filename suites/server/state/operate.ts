import {
  argumentsFor,
  describeAnswer,
  type CheckContext,
  type CheckNeed,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { listingKind } from '../_shared/state-cells.ts';
import type { Subject } from './reach.ts';

/**
 * The operations of spec/state-table.yaml, each performed once on a subject brought into a state.
 * Each sends exactly what the operation is, signed by the identity it belongs to: nothing here may
 * carry a second defect that could explain the answer.
 */

export interface Operation {
  needs: CheckNeed[];
  perform(t: CheckContext, subject: Subject): Promise<HttpResult>;
}

/**
 * A capability the agent holds no grant for and never asked for; skips when the profile names none.
 * The high-risk one first: never auto-approved (§8.10), it is the least likely to be among the host's
 * defaults, which RUL-HOST-DEFAULT-EXECUTION lets a server grant on the spot.
 */
export function otherCapability(t: CheckContext, subject: Subject): string {
  const candidates = [
    t.profile.highRisk,
    t.profile.second,
    t.profile['with-input'],
    t.profile.async,
    t.profile.stream,
    t.profile.constrainable?.name,
    t.profile.sync,
  ];
  const other = candidates.find((name): name is string => name !== undefined && !subject.held.includes(name));
  if (other === undefined)
    t.skip(`every capability the profile names is held or asked for by the agent (${subject.held.join(', ')})`);
  return other;
}

export const OPERATIONS: Record<string, Operation> = {
  'execute-subject': {
    needs: [],
    perform: (t, { agent, capability }) => t.client.execute(agent, capability, argumentsFor(t.profile, capability)),
  },
  'execute-other': {
    needs: [],
    async perform(t, subject) {
      const other = otherCapability(t, subject);
      await outsideHostDefaults(t, subject, other);
      return t.client.execute(subject.agent, other, argumentsFor(t.profile, other));
    },
  },
  'request-capability': {
    needs: [{ endpoint: 'request_capability' }],
    perform: (t, subject) => t.client.requestCapability(subject.agent, [otherCapability(t, subject)]),
  },
  status: { needs: [{ endpoint: 'status' }], perform: (t, { agent }) => t.client.status(agent) },
  reactivate: { needs: [{ endpoint: 'reactivate' }], perform: (t, { agent }) => t.client.reactivate(agent) },
  revoke: { needs: [{ endpoint: 'revoke' }], perform: (t, { agent }) => t.client.revoke(agent) },
  'rotate-key': { needs: [{ endpoint: 'rotate_key' }], perform: (t, { agent }) => t.client.rotateAgentKey(agent) },
  introspect: {
    needs: [{ endpoint: 'introspect' }],
    perform: async (t, { agent }) => t.client.introspect(await t.client.agentToken(agent)),
  },
  list: { needs: [{ endpoint: 'capabilities' }], perform: (t, { agent }) => t.client.listCapabilities(agent) },
  describe: {
    needs: [{ endpoint: 'describe_capability' }],
    perform: (t, { agent, capability }) => t.client.describeCapability(capability, agent),
  },
  'register-same-key': {
    needs: [{ endpoint: 'register' }],
    perform: (t, { agent, host, held }) =>
      t.client.register(host, { agentKeys: agent.keys, capabilities: held, mode: agent.mode }),
  },
  'views-agree': {
    needs: [{ endpoint: 'status' }, { endpoint: 'introspect' }, { endpoint: 'capabilities' }],
    perform: viewsAgree,
  },
  'register-new': {
    needs: [{ endpoint: 'register' }],
    // Delegated, as §2.10 tells the host of a claimed agent to register next.
    perform: (t, { host }) => t.client.register(host, { capabilities: [t.capability('sync')], mode: 'delegated' }),
  },
};

/**
 * Makes sure `capability` is not among the host's defaults where the operator hook can say so (a
 * server may grant a default on the spot, RUL-HOST-DEFAULT-EXECUTION): the host's defaults become
 * what the agent already holds. Best effort: a host whose state refuses the change keeps its
 * defaults, and the note says so.
 */
async function outsideHostDefaults(t: CheckContext, subject: Subject, capability: string): Promise<void> {
  const hostId = subject.host.hostId;
  if (!t.control?.supports('set-host-defaults') || hostId === undefined) return;
  const answer = await t.control.call('set-host-defaults', {
    host_id: hostId,
    capabilities: subject.held.filter((name) => name !== capability),
  });
  if (answer.status < 200 || answer.status >= 300)
    t.note(`the host's defaults could not be narrowed to what the agent holds (control answered ${answer.status})`);
}

/**
 * Asks every endpoint that can tell the agent's state and fails unless they agree (a state must never
 * depend on which endpoint asks): introspection is active exactly when status reports "active", and
 * an agent that status reports otherwise is served by neither execution nor the authenticated
 * listing. A host whose JWT status refuses (a revoked host) makes the agent non-active for the others.
 * Returns the status answer.
 */
async function viewsAgree(t: CheckContext, subject: Subject): Promise<HttpResult> {
  const status = await t.client.status(subject.agent);
  const reported = status.status === 200 ? status.json?.status : undefined;
  if (status.status === 200 && typeof reported !== 'string')
    t.fail(`status answered 200 without a string "status" (§5.5): ${describeAnswer(status)}`);
  const active = reported === 'active';
  const says =
    reported === undefined ? `status refused the host (${describeAnswer(status)})` : `status says "${reported}"`;
  const introspection = await t.client.introspect(await t.client.agentToken(subject.agent));
  if (introspection.status === 200 && introspection.json?.active !== active)
    t.fail(`${says}, but introspection answers active: ${JSON.stringify(introspection.json?.active)}`, {
      expected: `introspection active: ${active}`,
      observed: describeAnswer(introspection),
      exchange: introspection.exchange.seq,
    });
  if (!active) {
    const executed = await t.client.execute(
      subject.agent,
      subject.capability,
      argumentsFor(t.profile, subject.capability),
    );
    if (executed.status >= 200 && executed.status < 300)
      t.fail(`${says}, but the agent executed ${subject.capability}: ${describeAnswer(executed)}`, {
        expected: 'execution refused',
        observed: describeAnswer(executed),
        exchange: executed.exchange.seq,
      });
    const listed = await t.client.listCapabilities(subject.agent);
    if (listed.status === 200 && listingKind(listed.json) === 'authenticated')
      t.fail(`${says}, but the agent's JWT got the authenticated listing (grant_status): ${describeAnswer(listed)}`, {
        expected: 'listing refused or anonymous',
        observed: describeAnswer(listed),
        exchange: listed.exchange.seq,
      });
  }
  return status;
}
