import fc from 'fast-check';
import {
  checkProperty,
  revokeCreatedSoFar,
  defineCheck,
  describeAnswer,
  RevokeResponseSchema,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
  type HostIdentity,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { executeSync } from '../_shared/execution.ts';
import { activeCapabilities, grantsOf, isWellFormedGrant, type WireGrant } from '../_shared/grants.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectRefusal, INVALID_JWT, isRefusal, withinOneSecond, type Refusal } from '../_shared/refusals.ts';
import { control, expectAgentStatus } from './fixtures.ts';

/**
 * Model-based test of the agent lifecycle (§2.3, §5.5-§5.7): random short sequences of
 * registrations, operator approvals and expiries, executions, revocations, reactivations and status
 * reads on a few agents of one host. The model below is the harness's own reading of the spec: it
 * tracks each agent's expected state and predicts every answer, and each step asserts the target
 * agrees. Agents 0 (active) and 1 (pending when the profile names a high-risk capability) are
 * registered before the sequence; each registration command adds the next.
 */

const RUNS = 20;
/** Sequences hold about half this many commands on average, and preconditions skip some. */
const MAX_COMMANDS = 20;
const MAX_AGENTS = 3;

type AgentState = 'pending' | 'active' | 'expired' | 'revoked';

interface ModelAgent {
  state: AgentState;
  /** Whether the agent holds an active grant for the sync capability. */
  syncGranted: boolean;
  /** Capabilities whose grants await approval; undefined when the server's answer did not list them. */
  awaiting: string[] | undefined;
}

interface LifecycleModel {
  agents: ModelAgent[];
}

interface LifecycleSystem {
  t: CheckContext;
  host: HostIdentity;
  agents: AgentIdentity[];
  /** The user code of each agent's latest approval flow, for the operator approval. */
  userCodes: (string | undefined)[];
  /** Commands run so far in this sequence (for messages). */
  step: number;
  /** Tolerated 401 answers already noted, by agent state. */
  tolerated: Set<string>;
}

const STATE_CODES: Record<Exclude<AgentState, 'active'>, string> = {
  pending: 'agent_pending',
  expired: 'agent_expired',
  revoked: 'agent_revoked',
};

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
    return m.agents.length < MAX_AGENTS;
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

/** Executes the sync capability: only an active agent holding the grant may (§2.3, §4.5 step 6, §5.11). */
class Execute extends AgentCommand {
  protected readonly verb = 'execute';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const t: CheckContext = r.t;
    if (model.state === 'active') {
      const result = await executeSync(t, real);
      if (model.syncGranted) {
        t.expectStatus(result, 200, `${what}: an active agent executes a capability it holds (§5.11)`);
      } else {
        expectRefusal(
          t,
          result,
          [[403, 'capability_not_granted']],
          `${what}: the agent holds no active ${t.capability('sync')} grant`,
          '§5.11',
        );
      }
      return;
    }
    const attempt = () => executeSync(t, real);
    // A revocation may take up to a second to show (RUL-REVOCATION-LATENCY).
    const result = model.state === 'revoked' ? await withinOneSecond(attempt) : await attempt();
    const accepted: Refusal[] = [[403, STATE_CODES[model.state]], INVALID_JWT];
    const [status] = expectRefusal(
      t,
      result,
      accepted,
      `${what}: execute by the ${model.state} agent`,
      '§2.3, §4.5 step 6, §5.11, RUL-STATE-ERROR-STATUS',
    );
    if (status === 401 && !r.tolerated.has(model.state)) {
      r.tolerated.add(model.state);
      t.note(
        `execution by a ${model.state} agent was refused with 401 invalid_jwt rather than 403 ${STATE_CODES[model.state]} (tolerated by RUL-STATE-ERROR-STATUS)`,
      );
    }
  }
}

/** The host revokes the agent: 200 {agent_id, status: "revoked"}, permanently (§5.7). */
class Revoke extends AgentCommand {
  protected readonly verb = 'revoke';

  protected override applies(agent: ModelAgent): boolean {
    return agent.state !== 'revoked';
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const result = await r.t.client.revoke(real);
    r.t.expectStatus(result, 200, `${what}: revoke (§5.7)`);
    const body = r.t.expectJson(result, RevokeResponseSchema, `${what}: revoke response (§5.7)`);
    r.t.expect(
      body.agent_id === real.agentId,
      `${what}: the revoke answer names agent_id "${body.agent_id}", expected "${real.agentId}" (§5.7)`,
    );
    Object.assign(model, { state: 'revoked', syncGranted: false, awaiting: [] } satisfies ModelAgent);
  }
}

/** The operator runs out the session clock of an active agent: it becomes expired (§2.4). */
class Expire extends AgentCommand {
  protected readonly verb = 'expire';

  protected override applies(agent: ModelAgent): boolean {
    return agent.state === 'active';
  }

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    await control(r.t).expireAgent({ agent_id: real.agentId, clock: 'session' });
    await expectAgentStatus(r.t, real, 'expired', `${what}: status after the session clock ran out (§2.3, §2.4)`);
    model.state = 'expired';
  }
}

/**
 * Reactivates the agent (§5.6 step 1): an expired one restarts as active or pending
 * (RUL-REACTIVATION-APPROVAL), an active one is a no-op, pending and revoked ones are refused.
 */
class Reactivate extends AgentCommand {
  protected readonly verb = 'reactivate';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { index, model, real, what } = this.begin(m, r);
    const t: CheckContext = r.t;
    const attempt = () => t.client.reactivate(real);
    switch (model.state) {
      case 'expired': {
        const result = await attempt();
        const state = activeOrPending(
          r,
          result,
          `${what}: reactivate an expired agent`,
          '§5.6 step 6, RUL-REACTIVATION-APPROVAL',
        );
        Object.assign(model, learned(state, result.json, t.capability('sync')));
        r.userCodes[index] = userCodeOf(result.json);
        return;
      }
      case 'active': {
        const result = await attempt();
        t.expectStatus(result, 200, `${what}: reactivate an active agent (§5.6 step 1: no-op)`);
        t.expect(
          result.json?.status === 'active',
          `${what}: reactivating an active agent must answer its current status "active" (§5.6 step 1), got ${describeAnswer(result)}`,
        );
        return;
      }
      case 'pending':
        expectRefusal(
          t,
          await attempt(),
          [[403, 'agent_pending']],
          `${what}: reactivate a pending agent`,
          '§5.6 step 1',
        );
        return;
      case 'revoked':
        expectRefusal(
          t,
          await withinOneSecond(attempt, isRefusal),
          [[403, 'agent_revoked']],
          `${what}: reactivate a revoked agent`,
          '§5.6 step 1, §5.7',
        );
    }
  }
}

/** Reads the agent's status: it must be the model's state, with the sync grant active exactly when the model says so (§5.5). */
class Status extends AgentCommand {
  protected readonly verb = 'status';

  async run(m: LifecycleModel, r: LifecycleSystem): Promise<void> {
    const { model, real, what } = this.begin(m, r);
    const t: CheckContext = r.t;
    const attempt = () => t.client.status(real);
    const result =
      model.state === 'revoked'
        ? await withinOneSecond(attempt, (answer) => answer.json?.status === 'revoked')
        : await attempt();
    t.expectStatus(result, 200, `${what}: status (§5.5)`);
    const status: unknown = result.json?.status;
    t.expect(
      status === model.state,
      `${what}: expected status "${model.state}" (§2.3, §5.5), got ${describeAnswer(result)}`,
    );
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
    { weight: 3, arbitrary: index.map((i) => new Expire(i)) },
    { weight: 2, arbitrary: index.map((i) => new Reactivate(i)) },
    { weight: 1, arbitrary: index.map((i) => new Status(i)) },
  ];
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
  const host = await t.client.newHost();
  const first = await t.client.activeAgent({ host, capabilities: [sync] });
  const status = await readStatus(t, first, {}, 'precondition: set-up, status of agent 0 after approval');
  const model: LifecycleModel = {
    agents: [{ state: 'active', syncGranted: activeCapabilities(status.grants).includes(sync), awaiting: [] }],
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
  ],
  level: 'MUST',
  rulings: ['RUL-STATE-ERROR-STATUS', 'RUL-REACTIVATION-APPROVAL', 'RUL-REVOCATION-LATENCY'],
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
