import { tableTransitions, type StateTable, type TransitionOutcome } from '../../../src/catalogue/state-table.ts';
import {
  argumentsFor,
  defineCheck,
  describeAnswer,
  errorCode,
  retryUntil,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
  WITHIN_ONE_SECOND_MS,
} from '../../../src/harness/api.ts';
import { grantFor } from '../_shared/grants.ts';
import { describeOutcome, judge, STATE_TABLE } from '../_shared/state-cells.ts';
import { newUser } from '../lifecycle/fixtures.ts';
import { EVENTS, type EventContext } from './events.ts';
import { uniqueNeeds } from './needs.ts';
import { REACH, type Subject } from './reach.ts';

/**
 * The state machine's transitions walked from every state: one check per state × event of
 * spec/state-table.yaml (`transitions`) that can happen there. Each brings a fresh agent (under a
 * host of its own) into the state, makes the event happen once, and asks what is left: the status
 * the host reads, the state's grant, whether its capability still executes, and (when the host
 * itself is gone) whether the agent is out of service for good. The table is the oracle.
 */

const unique = (values: readonly string[]) => [...new Set(values)];

function transitionCheck(table: StateTable, state: string, event: string, outcome: TransitionOutcome): CheckDefinition {
  const row = table.states[state];
  const happening = EVENTS[event];
  const reach = REACH[state];
  const title = table.events[event]?.title;
  if (row === undefined || happening === undefined || reach === undefined || title === undefined)
    throw new Error(`state table transition ${state} × ${event} has no walker (suites/server/state/)`);
  const what = `${title}, for ${row.title}`;
  // The host's own requests are judged too, by the state of the host that sends them.
  const answerCell = table.events[event]?.answers?.[row.host];
  return defineCheck({
    id: `server.state.${state}.on-${event}`,
    title: `${row.title[0]?.toUpperCase()}${row.title.slice(1)}: ${title}`,
    area: 'state',
    requirements: unique([...row.requirements, ...outcome.requirements, ...(answerCell?.requirements ?? [])]),
    rulings: unique([...(row.rulings ?? []), ...(outcome.rulings ?? []), ...(answerCell?.rulings ?? [])]),
    level: outcome.level === 'MUST' || answerCell?.level === 'MUST' ? 'MUST' : 'SHOULD',
    needs: uniqueNeeds([
      ...reach.needs,
      ...happening.needs,
      { mode: row.mode ?? 'delegated' },
      { endpoint: 'status' },
      ...(outcome['out-of-service'] ? [{ endpoint: 'introspect' as const }] : []),
    ]),
    // A withdrawn capability is gone for every check running meanwhile.
    exclusive: event === 'remove-capability',
    cell: { state, operation: `on-${event}` },
    async run(t: CheckContext) {
      const ctx: EventContext = {};
      if (event === 'user-delete') {
        // The host must belong to a user of this check's own: deleting the server's test user would
        // pull the hosts of every other check with it.
        ctx.userId = await newUser(t);
        t.client.approvingUser = ctx.userId;
      }
      const subject = await reach.reach(t);
      if (ctx.userId !== undefined) await expectLinkedTo(t, subject, ctx.userId);
      const answer = await happening.happen(t, subject, ctx);
      const verdict = answerCell && answer ? judge(answerCell, answer, subject.agent.agentId) : undefined;
      const detail = answer && {
        expected: answerCell?.expect.map(describeOutcome).join('; or ') ?? '',
        observed: describeAnswer(answer),
        exchange: answer.exchange.seq,
      };
      if (verdict?.kind === 'wrong') t.fail(`${what}: the host's request ${verdict.message}`, detail);
      await judgeAfter(t, subject, outcome, what);
      if (verdict?.kind === 'tolerated')
        t.tolerated(
          `${what}: the host's request answered ${describeAnswer(answer as HttpResult)}, accepted only with a warning by ${(answerCell?.rulings ?? []).join(', ')} (expected ${detail?.expected})`,
          detail,
        );
    },
  });
}

/**
 * The agent's host must be linked to the check's own user before that user is deleted, or the
 * deletion proves nothing: a target whose operator approval ignores `user_id` links it to its test
 * user instead. Only a status that names another user stops the check; one that names none, or
 * cannot be read (the host is revoked already), does not.
 */
async function expectLinkedTo(t: CheckContext, subject: Subject, userId: string): Promise<void> {
  const status = await t.client.status(subject.agent);
  const linked: unknown = status.json?.user_id;
  if (status.status === 200 && typeof linked === 'string' && linked !== userId)
    t.fail(
      `precondition: the agent's host should be linked to the check's own user "${userId}" (the operator approved as that user), but status names user "${linked}"`,
    );
}

/** Status, grant, execution and (for a revoked host) the out-of-service probes, in that order. */
async function judgeAfter(t: CheckContext, subject: Subject, outcome: TransitionOutcome, what: string): Promise<void> {
  const outOfService = outcome['out-of-service'] === true;
  // Revoked is what status may still say of an agent whose host is gone.
  const wanted: string[] = outcome.agent ?? ['revoked'];
  // Worded as the other status expectations of the suite: `expected status "expired", got …`.
  const expected = `status "${wanted.join('" or "')}"${outOfService ? ' (or a refusal: the host is revoked)' : ''}`;
  const refused = (answer: HttpResult) =>
    answer.status >= 400 && answer.status < 500 && errorCode(answer) !== undefined;
  const last = await retryUntil(
    () => t.client.status(subject.agent),
    (answer) => wanted.includes(answer.json?.status) || (outOfService && refused(answer)),
    // The operator's operations answer once done, and a revocation may take up to a second to show
    // (RUL-REVOCATION-LATENCY).
    WITHIN_ONE_SECOND_MS,
    (answer) => answer.error !== undefined,
  );
  const detail = { expected, observed: describeAnswer(last), exchange: last.exchange.seq };
  if (outOfService && refused(last)) {
    await expectOutOfService(t, subject, what);
    return;
  }
  if (!wanted.includes(last.json?.status))
    t.fail(`${what}: afterwards expected ${expected}, got ${describeAnswer(last)}`, detail);
  if (outcome.grant !== undefined) expectGrant(t, subject, last, outcome.grant, what);
  if (outcome.executes !== undefined) await expectExecution(t, subject, outcome.executes, what);
}

function expectGrant(t: CheckContext, subject: Subject, status: HttpResult, wanted: string, what: string): void {
  const grant = grantFor(status.json, subject.capability);
  const held = grant?.status;
  const right = wanted === 'gone' ? held !== 'active' : held === wanted;
  if (!right)
    t.fail(
      `${what}: afterwards the grant of ${subject.capability} must be ${wanted === 'gone' ? 'gone (no active grant)' : `"${wanted}"`}, status lists ${grant === undefined ? 'no grant for it' : `it as ${JSON.stringify(held)}`}`,
      { expected: `grant ${wanted}`, observed: JSON.stringify(grant ?? null), exchange: status.exchange.seq },
    );
}

async function expectExecution(t: CheckContext, subject: Subject, executes: boolean, what: string): Promise<void> {
  const { agent, capability } = subject;
  const answer = await t.client.execute(agent, capability, argumentsFor(t.profile, capability));
  const code = errorCode(answer);
  const ok = executes
    ? answer.status >= 200 && answer.status < 300
    : (answer.status === 403 && code === 'capability_not_granted') ||
      (answer.status === 404 && code === 'capability_not_found');
  if (!ok)
    t.fail(
      `${what}: afterwards executing ${capability} must ${executes ? 'succeed' : 'be refused as not granted'}, got ${describeAnswer(answer)}`,
      {
        expected: executes ? '2xx' : '403 capability_not_granted (or 404 capability_not_found)',
        observed: describeAnswer(answer),
        exchange: answer.exchange.seq,
      },
    );
}

/**
 * The host can no longer ask after its agent, so the agent is judged by what it can still do: its
 * token must introspect as inactive, even after an operator approval (a cascade that only hid the
 * agent behind its revoked host would let the approval bring it back). One introspection, after the
 * approval: approving can only make an agent more alive, and anonymous introspection is often
 * rate-limited per client address.
 */
async function expectOutOfService(t: CheckContext, subject: Subject, what: string): Promise<void> {
  let when = 'afterwards';
  if (t.control?.supports('approve')) {
    const approval = await t.control.call('approve', { agent_id: subject.agent.agentId });
    t.note(`operator approval afterwards: ${describeAnswer(approval)}`);
    when = 'after a further operator approval';
  }
  const answer = await t.client.introspect(await t.client.agentToken(subject.agent));
  if (answer.status !== 200 || answer.json?.active !== false)
    t.fail(
      `${what}: ${when}, introspection of the agent's token must answer active false, got ${describeAnswer(answer)}`,
      {
        expected: '200 {"active": false}',
        observed: describeAnswer(answer),
        exchange: answer.exchange.seq,
      },
    );
}

export const checks: CheckDefinition[] = tableTransitions(STATE_TABLE).flatMap(({ state, event, transition }) =>
  'none' in transition ? [] : [transitionCheck(STATE_TABLE, state, event, transition)],
);
