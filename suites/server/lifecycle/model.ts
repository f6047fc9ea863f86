import fc from 'fast-check';
import {
  checkProperty,
  revokeCreatedSoFar,
  defineCheck,
  describeAnswer,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
  type HostIdentity,
  type HttpResult,
  WITHIN_ONE_SECOND_MS,
} from '../../../src/harness/api.ts';
import { executeSync } from '../_shared/execution.ts';
import { activeCapabilities, grantsOf, isWellFormedGrant, type WireGrant } from '../_shared/grants.ts';
import { hostIdOf, readStatus } from '../_shared/lifecycle.ts';
import { withinOneSecond } from '../_shared/refusals.ts';
import type { Transition, TransitionOutcome } from '../../../src/catalogue/state-table.ts';
import { cellOf, judge, STATE_TABLE } from '../_shared/state-cells.ts';
import { EVENTS } from '../state/events.ts';
import { control, expectAgentStatus, newUser } from './fixtures.ts';

/**
 * Model-based test of the agent lifecycle (§2.3, §5.5-§5.7): random short sequences of
 * registrations, operator approvals, denials, the three clocks, host key rotation and linking,
 * executions, revocations (of an agent, of the whole host, by unlinking and by deleting its user),
 * reactivations and status reads on a few agents of one host. The model tracks
 * each agent's state; what every step must answer in that state comes from spec/state-table.yaml,
 * the same cells the exhaustive state walk (suites/server/state/) checks, so the random walks and
 * the walk of the whole table can never disagree about what is expected. Agents 0 (active) and 1
 * (pending when the profile names a high-risk capability) are registered before the sequence; each
 * registration command adds the next.
 */

const RUNS = 20;
/** Sequences hold about half this many commands on average, and preconditions skip some. */
const MAX_COMMANDS = 20;
const MAX_AGENTS = 3;

/** The model's states are states of the table (spec/state-table.yaml) an agent of one host can reach here. */
type AgentState =
  | 'pending'
  | 'active'
  | 'expired'
  | 'expired-max'
  | 'revoked'
  | 'absolute-revoked'
  | 'rejected'
  | 'host-revoked'
  | 'unlinked';

/** Expired by either clock that reactivation can reset (§2.4, §2.5). */
function isExpired(state: AgentState): boolean {
  return state === 'expired' || state === 'expired-max';
}

interface ModelAgent {
  state: AgentState;
  /** Whether the agent holds an active grant for the sync capability. */
  syncGranted: boolean;
  /** Capabilities whose grants await approval; undefined when the server's answer did not list them. */
  awaiting: string[] | undefined;
  /**
   * A pending agent whose absolute lifetime ran out and which the server kept pending
   * (RUL-CLOCKS-BY-STATE): an approval must not make it active any more.
   */
  pastAbsolute?: boolean;
}

interface LifecycleModel {
  agents: ModelAgent[];
  /** The host revoked itself: every agent is `host-revoked` and nothing registers any more. */
  hostRevoked: boolean;
  /** The user of the run's own the host is linked to, when the operator could make one and status shows the link. */
  userId?: string;
}

interface LifecycleSystem {
  t: CheckContext;
  host: HostIdentity;
  agents: AgentIdentity[];
  /** The user code of each agent's latest approval flow, for the operator approval. */
  userCodes: (string | undefined)[];
  /** Commands run so far in this sequence (for messages). */
  step: number;
  /** Cells whose ruling-tolerated answer was already noted. */
  tolerated: Set<string>;
}

/**
 * Judges `result` against the table's cell for the agent's state and `operation`: fails unless it is
 * an answer the cell expects; an answer a ruling tolerates is noted once per cell (the state walk
 * scores it as a warning). Returns whether the answer was an expected or tolerated success (2xx).
 */
function expectCell(
  r: LifecycleSystem,
  state: string,
  operation: string,
  result: HttpResult,
  agentId: string,
  what: string,
): void {
  const cell = cellOf(state, operation);
  const verdict = judge(cell, result, agentId);
  if (verdict.kind === 'wrong')
    r.t.fail(`${what}: ${verdict.message} (spec/state-table.yaml, ${state} × ${operation})`);
  if (verdict.kind === 'tolerated' && !r.tolerated.has(`${state}.${operation}`)) {
    r.tolerated.add(`${state}.${operation}`);
    r.t.note(
      `${what}: answered ${describeAnswer(result)}, tolerated by ${(cell.rulings ?? []).join(', ')} (spec/state-table.yaml, ${state} × ${operation})`,
    );
  }
}

/** The state status reports after an operation: the cell's `after`, else what a 2xx answer says, else unchanged. */
function stateAfter(current: AgentState, operation: string, result: HttpResult): AgentState {
  const after = cellOf(current, operation).after;
  // Revoked stays revoked the way it came about (a revoked host, the absolute clock, an unlink): those cells differ.
  if (after === 'revoked' && (current === 'host-revoked' || current === 'absolute-revoked' || current === 'unlinked'))
    return current;
  if (after !== undefined) return after as AgentState;
  const reported: unknown = result.json?.status;
  const known: AgentState[] = ['pending', 'active', 'expired', 'revoked', 'rejected'];
  const ok = !result.error && result.status >= 200 && result.status < 300;
  return ok && current !== 'host-revoked' && known.includes(reported as AgentState)
    ? (reported as AgentState)
    : current;
}

/** Revocations may take up to a second to show (RUL-REVOCATION-LATENCY). */
function settled(state: AgentState): boolean {
  return state === 'revoked' || state === 'host-revoked';
}

function userCodeOf(json: unknown): string | undefined {
  const code: unknown = (json as { approval?: { user_code?: unknown } } | null)?.approval?.user_code;
  return typeof code === 'string' ? code : undefined;
}

function pendingCapabilities(grants: readonly WireGrant[]): string[] {
  return grants
    .filter(isWellFormedGrant)
    .filter((grant) => grant.status === 'pending')
    .map((grant) => grant.capability);
}

/** What the model learns from an answer that placed the agent in `state` with these grants. */
function learned(state: 'active' | 'pending', json: unknown, sync: string): ModelAgent {
  const grants = grantsOf(json);
  const listed = Array.isArray((json as { agent_capability_grants?: unknown } | null)?.agent_capability_grants);
  const awaiting = state === 'active' ? [] : listed ? pendingCapabilities(grants) : undefined;
  return { state, syncGranted: activeCapabilities(grants).includes(sync), awaiting };
}

/** Reads `status` of an answer that must be 200 with status active or pending (registration, reactivation). */
function activeOrPending(r: LifecycleSystem, result: HttpResult, what: string, rule: string): 'active' | 'pending' {
  r.t.expectStatus(result, [200, 201], what);
  const status: unknown = result.json?.status;
  if (status !== 'active' && status !== 'pending') {
    r.t.fail(`${what}: expected status "active" or "pending" (${rule}), got ${describeAnswer(result)}`);
  }
  return status;
}

/**
 * A command on one existing agent: `pick` chooses it modulo the number of agents at the time the
 * command runs, so no generated command is wasted on an agent that does not exist yet.
 */
abstract class AgentCommand implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  protected abstract readonly verb: string;
  /** The agent this command acted on, once it ran (commands are cloned per sequence run). */
  private target: number | undefined;

  constructor(readonly pick: number) {}

  check(m: Readonly<LifecycleModel>): boolean {
    const agent = m.agents[this.pick % m.agents.length];
    return agent !== undefined && this.applies(agent);
  }

  /** Whether the command makes sense for an agent in this model state. */
  protected applies(_agent: ModelAgent): boolean {
    return true;
  }

  abstract run(m: LifecycleModel, r: LifecycleSystem): Promise<void>;

  toString(): string {
    return `${this.verb}(agent ${this.target ?? `#${this.pick}`})`;
  }

  [fc.cloneMethod](): AgentCommand {
    return new (this.constructor as new (pick: number) => AgentCommand)(this.pick);
  }

  /** Resolves the agent and counts the step; `what` names both in messages. */
  protected begin(
    m: LifecycleModel,
    r: LifecycleSystem,
  ): { index: number; model: ModelAgent; real: AgentIdentity; what: string } {
    r.step += 1;
    const index = this.pick % m.agents.length;
    this.target = index;
    const model = m.agents[index] as ModelAgent;
    return {
      index,
      model,
      real: r.agents[index] as AgentIdentity,
      what: `step ${r.step}, ${this} (model: ${model.state})`,
    };
  }
}

type RegistrationKind = 'sync' | 'high-risk';

/** Registers agent number `m.agents.length` under the host for the sync or the high-risk capability (§5.3). */
async function registerAgent(
  m: LifecycleModel,
  r: LifecycleSystem,
  kind: RegistrationKind,
  what: string,
): Promise<void> {
  const t: CheckContext = r.t;
  const sync = t.capability('sync');
  const capability = kind === 'sync' ? sync : (t.profile.highRisk as string);
  const result = await t.client.register(r.host, { capabilities: [capability] });
  const state = activeOrPending(r, result, what, '§5.3');
  if (!result.agent) t.fail(`${what}: the registration answer has no agent_id (§5.3)`);
  const agent = learned(state, result.json, sync);
  if (state === 'pending' && agent.awaiting === undefined) agent.awaiting = [capability];
  m.agents.push(agent);
  r.agents.push(result.agent);
  r.userCodes.push(userCodeOf(result.json));
}

class Register implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  constructor(readonly kind: RegistrationKind) {}

  check(m: Readonly<LifecycleModel>): boolean {
    return m.agents.length < MAX_AGENTS && !m.hostRevoked;
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    r.step += 1;
    await registerAgent(m, r, this.kind, `step ${r.step}, ${this} (agent ${m.agents.length})`);
  }

  toString(): string {
    return `register(${this.kind})`;
  }
}

/** The operator approves a pending agent: it becomes active with the grants it awaited (§7.1 step 3). */
class Approve extends AgentCommand {
  protected readonly verb = 'approve';

  protected override applies(agent: ModelAgent): boolean {
    return agent.state === 'pending';
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { index, model, real, what } = this.begin(m, r);
    const userCode = r.userCodes[index];
    await control(r.t).approve({ agent_id: real.agentId, ...(userCode !== undefined && { user_code: userCode }) });
    if (model.pastAbsolute) {
      const last = await r.t.client.awaitAgentStatus(real, ['revoked', 'pending'], WITHIN_ONE_SECOND_MS);
      const reported: unknown = last.json?.status;
      if (reported !== 'revoked' && reported !== 'pending')
        r.t.fail(
          `${what}: the agent's absolute lifetime had run out while it was pending, so the approval must not make it active (RUL-CLOCKS-BY-STATE, AAP-2.5-03): expected status "revoked" or "pending", got ${describeAnswer(last)}`,
        );
      if (reported === 'revoked') Object.assign(model, { state: 'absolute-revoked', syncGranted: false, awaiting: [] });
      return;
    }
    await expectAgentStatus(r.t, real, 'active', `${what}: status after the operator approved`);
    model.state = 'active';
    if (model.awaiting === undefined) {
      const status = await readStatus(r.t, real, {}, `${what}: status after approval`);
      model.syncGranted = activeCapabilities(status.grants).includes(r.t.capability('sync'));
    } else {
      model.syncGranted ||= model.awaiting.includes(r.t.capability('sync'));
    }
    model.awaiting = [];
  }
}

/**
 * Executes the sync capability: an active agent holding the grant may, one without it is refused as
 * for a capability it never asked for, and every other state is refused as its cell says (§2.3,
 * §4.5 step 6, §5.11).
 */
class Execute extends AgentCommand {
  protected readonly verb = 'execute';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const attempt = () => executeSync(r.t, real);
    const result = settled(model.state) ? await withinOneSecond(attempt) : await attempt();
    // The sync capability is the state's own only while the agent holds (or held) its grant.
    const operation = model.syncGranted ? 'execute-subject' : 'execute-other';
    expectCell(r, model.state, operation, result, real.agentId, `${what}: execute`);
  }
}

/** The host revokes the agent (§5.7); what that answers and leaves behind depends on its state. */
class Revoke extends AgentCommand {
  protected readonly verb = 'revoke';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const result = await r.t.client.revoke(real);
    expectCell(r, model.state, 'revoke', result, real.agentId, `${what}: revoke`);
    const next = stateAfter(model.state, 'revoke', result);
    if (next === 'revoked')
      Object.assign(model, { state: next, syncGranted: false, awaiting: [] } satisfies ModelAgent);
  }
}

/** The host is revoked: every agent under it with it (§2.11), and the host can do nothing more. */
function hostGone(m: LifecycleModel): void {
  m.hostRevoked = true;
  for (const agent of m.agents)
    Object.assign(agent, { state: 'host-revoked', syncGranted: false, awaiting: [] } satisfies ModelAgent);
}

/** The host revokes itself (§5.10): every agent under it is revoked with it, and the host can do nothing more. */
class RevokeHost implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  check(m: Readonly<LifecycleModel>): boolean {
    return !m.hostRevoked;
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    r.step += 1;
    const result = await r.t.client.revokeHost(r.host);
    r.t.expectStatus(result, 200, `step ${r.step}, ${this}: revoke the host (§5.10)`);
    hostGone(m);
  }

  toString(): string {
    return 'revoke-host';
  }
}

/**
 * The user the host is linked to deletes their account (operator `delete-user`, §2.6): the host is
 * revoked and every agent under it with it, as when the host revokes itself.
 */
class DeleteUser implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  check(m: Readonly<LifecycleModel>): boolean {
    return !m.hostRevoked && m.userId !== undefined;
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    r.step += 1;
    await control(r.t).deleteUser({ user_id: m.userId as string });
    hostGone(m);
  }

  toString(): string {
    return 'delete-user';
  }
}

/**
 * The user unlinks the host (operator `unlink-host`, §2.9): every delegated agent under it that is
 * not already terminal is revoked; the host stays, unlinked, and a later approval links it again.
 */
class Unlink implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  check(m: Readonly<LifecycleModel>): boolean {
    return !m.hostRevoked;
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    r.step += 1;
    const first = r.agents[0] as AgentIdentity;
    await control(r.t).unlinkHost({ host_id: await hostIdOf(r.t, r.host, first) });
    // The host has no user any more: deleting the run's user would touch nothing here.
    delete m.userId;
    for (const agent of m.agents)
      if (['pending', 'active', 'expired', 'expired-max'].includes(agent.state))
        Object.assign(agent, { state: 'unlinked', syncGranted: false, awaiting: [] } satisfies ModelAgent);
  }

  toString(): string {
    return 'unlink-host';
  }
}

/**
 * The operator denies a pending registration as a whole: the agent becomes rejected (RUL-FULL-DENIAL
 * tolerates an active agent with every grant denied, which the model then follows).
 */
class Deny extends AgentCommand {
  protected readonly verb = 'deny';

  protected override applies(agent: ModelAgent): boolean {
    return agent.state === 'pending';
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    await control(r.t).deny({ agent_id: real.agentId, reason: 'conformance: model-based denial' });
    const last = await r.t.client.awaitAgentStatus(real, ['rejected', 'active']);
    const status: unknown = last.json?.status;
    if (status === 'active') {
      r.t.note(`${what}: the denied registration left an active agent (tolerated by RUL-FULL-DENIAL)`);
      Object.assign(model, { state: 'active', syncGranted: false, awaiting: [] } satisfies ModelAgent);
      return;
    }
    if (status !== 'rejected')
      r.t.fail(
        `${what}: status after the operator denied the registration: expected "rejected" (§2.3, §7.1), got ${describeAnswer(last)}`,
      );
    Object.assign(model, { state: 'rejected', syncGranted: false, awaiting: [] } satisfies ModelAgent);
  }
}

/**
 * An event of the state table's transitions (spec/state-table.yaml, `transitions`) happening to one
 * agent in whatever state the model has it: the table says which statuses status may report
 * afterwards, the same entry the exhaustive walk checks from that state (suites/server/state/).
 * Events that move the whole host (revocation, unlinking, user deletion) are commands of their own.
 */
class TableEvent extends AgentCommand {
  constructor(
    pick: number,
    readonly event: ModelEvent,
  ) {
    super(pick);
  }

  protected get verb(): string {
    return this.event;
  }

  override [fc.cloneMethod](): TableEvent {
    return new TableEvent(this.pick, this.event);
  }

  /** Only where status can still answer: the agents of a revoked host are out of the model's reach. */
  protected override applies(agent: ModelAgent): boolean {
    const transition = transitionOf(agent.state, this.event);
    return !('none' in transition) && transition.agent !== undefined && !transition['out-of-service'];
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const transition = transitionOf(model.state, this.event) as TransitionOutcome;
    const wanted = transition.agent ?? [];
    const subject = { agent: real, host: r.host, capability: r.t.capability('sync'), held: [] };
    await EVENTS[this.event]?.happen(r.t, subject, {});
    // As in the exhaustive walk: the operator's operations answer once done (RUL-REVOCATION-LATENCY).
    const last = await r.t.client.awaitAgentStatus(real, wanted, WITHIN_ONE_SECOND_MS);
    const reported: unknown = last.json?.status;
    if (!wanted.includes(reported as never))
      r.t.fail(
        `${what}: status afterwards must report ${wanted.join(' or ')} (spec/state-table.yaml, ${model.state} × on-${this.event}), got ${describeAnswer(last)}`,
      );
    const next = modelStateAfter(model.state, this.event, reported as string);
    if (this.event === 'expire-absolute' && next === 'pending') model.pastAbsolute = true;
    if (next !== model.state) {
      model.state = next;
      if (next === 'absolute-revoked') Object.assign(model, { syncGranted: false, awaiting: [] });
    }
  }
}

/** The events the model makes happen to one agent; approval, denial and host-wide events have commands of their own. */
type ModelEvent = 'expire-session' | 'expire-max' | 'expire-absolute' | 'host-rotate-key' | 'link';

/** The model state a status reported after `event` stands for: unchanged, or the state the event leads to. */
function modelStateAfter(current: AgentState, event: ModelEvent, reported: string): AgentState {
  if (STATE_TABLE.states[current]?.agent === reported) return current;
  const reached: Partial<Record<ModelEvent, AgentState>> = {
    'expire-session': 'expired',
    'expire-max': 'expired-max',
    'expire-absolute': 'absolute-revoked',
  };
  return reached[event] ?? current;
}

function transitionOf(state: AgentState, event: string): Transition {
  const transition = STATE_TABLE.transitions[state]?.[event];
  if (transition === undefined) throw new Error(`spec/state-table.yaml has no transition ${state} × ${event}`);
  return transition;
}

/**
 * Reactivates the agent (§5.6): an expired one restarts as active or pending
 * (RUL-REACTIVATION-APPROVAL), an active one is a no-op, every other state is refused as its cell says.
 */
class Reactivate extends AgentCommand {
  protected readonly verb = 'reactivate';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { index, model, real, what } = this.begin(m, r);
    const attempt = () => r.t.client.reactivate(real);
    const result = settled(model.state)
      ? await withinOneSecond(attempt, (answer) => answer.status >= 400)
      : await attempt();
    expectCell(r, model.state, 'reactivate', result, real.agentId, `${what}: reactivate`);
    if (!isExpired(model.state)) return;
    const next = stateAfter(model.state, 'reactivate', result);
    if (next !== 'active' && next !== 'pending') r.t.fail(`${what}: reactivation left the agent ${next}`);
    Object.assign(model, learned(next, result.json, r.t.capability('sync')));
    r.userCodes[index] = userCodeOf(result.json);
  }
}

/**
 * Reads the agent's status: the model's state, as its cell says (a revoked host is refused), with the
 * sync grant active exactly when the model says so (§5.5).
 */
class Status extends AgentCommand {
  protected readonly verb = 'status';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const t: CheckContext = r.t;
    const attempt = () => t.client.status(real);
    const result =
      model.state === 'revoked'
        ? await withinOneSecond(attempt, (answer) => answer.json?.status === 'revoked')
        : model.state === 'host-revoked'
          ? await withinOneSecond(attempt)
          : await attempt();
    expectCell(r, model.state, 'status', result, real.agentId, `${what}: status`);
    if (model.state !== 'active') return;
    const granted = activeCapabilities(grantsOf(result.json)).includes(t.capability('sync'));
    t.expect(
      granted === model.syncGranted,
      `${what}: expected ${model.syncGranted ? 'an' : 'no'} active ${t.capability('sync')} grant (§5.5: status shows the current grants), got grants ${JSON.stringify(grantsOf(result.json))}`,
    );
  }
}

function commandSequences(t: CheckContext): fc.Arbitrary<Iterable<fc.AsyncCommand<LifecycleModel, LifecycleSystem>>> {
  const index = fc.nat(MAX_AGENTS - 1);
  type Weighted = fc.WeightedArbitrary<fc.AsyncCommand<LifecycleModel, LifecycleSystem>>;
  const weighted: Weighted[] = [
    { weight: 1, arbitrary: fc.constant(new Register('sync')) },
    { weight: 4, arbitrary: index.map((i) => new Execute(i)) },
    { weight: 2, arbitrary: index.map((i) => new Approve(i)) },
    { weight: 3, arbitrary: index.map((i) => new Revoke(i)) },
    { weight: 2, arbitrary: index.map((i) => new TableEvent(i, 'expire-session')) },
    { weight: 1, arbitrary: index.map((i) => new TableEvent(i, 'expire-max')) },
    { weight: 1, arbitrary: index.map((i) => new TableEvent(i, 'expire-absolute')) },
    { weight: 3, arbitrary: index.map((i) => new Reactivate(i)) },
    { weight: 1, arbitrary: index.map((i) => new Status(i)) },
  ];
  if (t.control?.supports('deny')) weighted.push({ weight: 1, arbitrary: index.map((i) => new Deny(i)) });
  if (t.control?.supports('unlink-host')) weighted.push({ weight: 1, arbitrary: fc.constant(new Unlink()) });
  if (t.control?.supports('link-host'))
    weighted.push({ weight: 1, arbitrary: index.map((i) => new TableEvent(i, 'link')) });
  if (t.client.target.endpoints['rotate_host_key'] !== undefined)
    weighted.push({ weight: 1, arbitrary: index.map((i) => new TableEvent(i, 'host-rotate-key')) });
  // Revoking the host and deleting its user both end what a sequence can still do: they share one
  // weight, so the sequences that get there stay as many as before the second was added.
  const hostEnders: fc.AsyncCommand<LifecycleModel, LifecycleSystem>[] = [];
  if (t.control?.supports('create-user') && t.control.supports('delete-user')) hostEnders.push(new DeleteUser());
  if (t.client.target.endpoints['revoke_host'] !== undefined) hostEnders.push(new RevokeHost());
  if (hostEnders.length > 0) weighted.push({ weight: 1, arbitrary: fc.constantFrom(...hostEnders) });
  if (t.profile.highRisk !== undefined) weighted.push({ weight: 1, arbitrary: fc.constant(new Register('high-risk')) });
  return fc.commands([fc.oneof(...weighted)], { maxCommands: MAX_COMMANDS, size: 'max' });
}

/**
 * A fresh host with agent 0, active and holding the sync grant, and agent 1, registered like the
 * `Register` command does (for the high-risk capability when the profile names one, so it starts pending).
 */
async function setUp(
  t: CheckContext,
  tolerated: Set<string>,
): Promise<{ model: LifecycleModel; real: LifecycleSystem }> {
  const sync = t.capability('sync');
  // A user of the run's own, so that deleting it pulls no other check's host with it.
  const ownUser =
    t.control?.supports('create-user') && t.control.supports('delete-user') ? await newUser(t) : undefined;
  t.client.approvingUser = ownUser;
  const host = await t.client.newHost();
  const first = await t.client.activeAgent({ host, capabilities: [sync] });
  const status = await readStatus(t, first, {}, 'precondition: set-up, status of agent 0 after approval');
  const model: LifecycleModel = {
    agents: [{ state: 'active', syncGranted: activeCapabilities(status.grants).includes(sync), awaiting: [] }],
    hostRevoked: false,
    // Only when status shows the host linked to that user: otherwise its deletion would touch nothing here.
    ...(ownUser !== undefined && status.json.user_id === ownUser && { userId: ownUser }),
  };
  const real: LifecycleSystem = { t, host, agents: [first], userCodes: [undefined], step: 0, tolerated };
  const kind: RegistrationKind = t.profile.highRisk === undefined ? 'sync' : 'high-risk';
  await registerAgent(model, real, kind, `precondition: set-up, register(${kind}) (agent 1)`);
  return { model, real };
}

const randomCommandSequences = defineCheck({
  id: 'server.lifecycle.model.random-command-sequences',
  title: 'Random sequences of lifecycle operations on a few agents get exactly the answers the state model predicts',
  area: 'lifecycle',
  requirements: [
    'AAP-2.3-STATE.pending',
    'AAP-2.3-STATE.active',
    'AAP-2.3-STATE.expired',
    'AAP-2.3-STATE.revoked',
    'AAP-4.5-STEP6',
    'AAP-5.5-01',
    'AAP-5.5-RESP.status',
    'AAP-5.6-STEP1',
    'AAP-5.6-STEP6',
    'AAP-5.7-01',
    'AAP-5.7-RESP.status',
    'AAP-5.11-ERR.capability_not_granted',
    'AAP-5.13-ERR.reactivate.active_noop',
    'AAP-5.13-ERR.reactivate.agent_pending',
    'AAP-5.13-ERR.reactivate.agent_revoked',
    'AAP-5.13-ERR.reactivate.agent_rejected',
    'AAP-2.3-STATE.rejected',
    'AAP-2.11-05',
    'AAP-4.5.1-STEP8',
    'AAP-2.9-03',
    'AAP-2.6-02',
    'AAP-5.9-02',
    'AAP-2.5-03',
  ],
  level: 'MUST',
  rulings: [
    'RUL-STATE-ERROR-STATUS',
    'RUL-REACTIVATION-APPROVAL',
    'RUL-REVOCATION-LATENCY',
    'RUL-NON-ACTIVE-AUTH',
    'RUL-TERMINAL-OPERATIONS',
    'RUL-HOST-STATE-ERROR-STATUS',
    'RUL-FULL-DENIAL',
    'RUL-CLOCKS-BY-STATE',
  ],
  needs: [
    { endpoint: 'revoke' },
    { endpoint: 'reactivate' },
    { control: 'approve' },
    { control: 'expire-agent' },
    { capability: 'sync' },
  ],
  async run(t: CheckContext) {
    const tolerated = new Set<string>();
    await checkProperty(t, [commandSequences(t)], (commands) => fc.asyncModelRun(() => setUp(t, tolerated), commands), {
      numRuns: RUNS,
      afterEach: () => revokeCreatedSoFar(t.client),
    });
  },
});

export const checks: CheckDefinition[] = [randomCommandSequences];
