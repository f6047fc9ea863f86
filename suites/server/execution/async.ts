import {
  defineCheck,
  describeAnswer,
  ExecuteAsyncCompletedSchema,
  ExecuteAsyncFailedSchema,
  ExecuteAsyncPendingSchema,
  ExecuteAsyncResponseSchema,
  failureArgumentsFor,
  isAbsoluteHttpUrl,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { requireTargetOrigin, startAsyncExecution, StatusPoller, type AsyncExecution } from './async-session.ts';
import { agentWith } from './fixtures.ts';

const NEEDS = [{ capability: 'async' as const }, { control: 'approve' as const }];

const pending = defineCheck({
  id: 'server.execution.async.pending',
  title: 'An unfinished async execution answers 202 with status pending and an absolute status_url only',
  area: 'execution',
  requirements: [
    'AAP-5.11-03',
    'AAP-5.11-SHAPE.async_pending.includes',
    'AAP-5.11-SHAPE.async_pending.excludes',
    'AAP-5.11-RESP.status',
    'AAP-5.11-RESP.status_url',
    'AAP-2.15-03',
  ],
  level: 'MUST',
  rulings: ['RUL-ASYNC-STATUS-CODES'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const execution = await startAsyncExecution(t);
    t.expect(
      isAbsoluteHttpUrl(execution.statusUrl),
      `status_url ${execution.statusUrl} is not an absolute http(s) URL (§5.11)`,
    );
  },
});

/** Polls `execution` until it settles; the answers, each checked against the async shapes of §5.11. */
async function pollUntilSettled(t: CheckContext, execution: AsyncExecution): Promise<HttpResult[]> {
  requireTargetOrigin(t, execution);
  const answers = await new StatusPoller(t, execution).untilSettled();
  for (const [index, answer] of answers.entries()) {
    t.expectJson(
      answer,
      ExecuteAsyncResponseSchema,
      `poll ${index + 1} of ${execution.statusUrl} (async shapes of §5.11)`,
    );
  }
  return answers;
}

/** Starts an async execution and polls it to the end (see pollUntilSettled). */
async function pollToEnd(t: CheckContext): Promise<HttpResult[]> {
  return pollUntilSettled(t, await startAsyncExecution(t, { anyOkStatus: true }));
}

const completed = defineCheck({
  id: 'server.execution.async.completed',
  title: 'Polling a status_url with fresh agent JWTs ends in a completed answer carrying result only',
  area: 'execution',
  requirements: [
    'AAP-5.11-SHAPE.async_completed.includes',
    'AAP-5.11-SHAPE.async_completed.excludes',
    'AAP-5.11-RESP.result',
    'AAP-5.11-RESP.status',
    'AAP-2.15-04',
  ],
  level: 'MUST',
  rulings: ['RUL-ASYNC-STATUS-CODES', 'RUL-ASYNC-RESULT-PRESENCE'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const answers = await pollToEnd(t);
    const last = answers[answers.length - 1]!;
    if (last.json?.status === 'failed') {
      t.expectJson(last, ExecuteAsyncFailedSchema, 'failed async answer (§5.11)');
      t.skip(
        `the execution failed with the profile's arguments (${JSON.stringify(last.json.error)}), so no completed answer could be observed`,
      );
    }
    t.expectStatus(last, [200, 202], 'completed poll answer (§5.11: 200; 202 tolerated by RUL-ASYNC-STATUS-CODES)');
    t.expectJson(
      last,
      ExecuteAsyncCompletedSchema,
      'completed async answer (§5.11: status completed and result, no data, status_url or error)',
    );
  },
});

const failed = defineCheck({
  id: 'server.execution.async.failed',
  title: 'An async execution that fails ends in an answer with status failed and a §5.13 error object only',
  area: 'execution',
  requirements: [
    'AAP-5.11-SHAPE.async_failed.includes',
    'AAP-5.11-SHAPE.async_failed.excludes',
    'AAP-5.11-RESP.error',
    'AAP-5.11-RESP.status',
    'AAP-2.15-05',
  ],
  level: 'MUST',
  rulings: ['RUL-ASYNC-STATUS-CODES', 'RUL-ASYNC-RESULT-PRESENCE'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const capability = t.capability('async');
    const args =
      failureArgumentsFor(t.profile, 'async') ??
      t.notApplicable(
        'the target profile gives no failureArguments.async, so no failing async execution can be started: give "failureArguments": {"async": {…}} in the --profile JSON, or in the control hook\'s fixtures',
      );
    const agent = await agentWith(t, [capability]);
    const location = t.client.locationFor(capability);
    const started = await t.client.execute(agent, capability, args);
    t.expectStatus(
      started,
      [200, 202],
      `execute ${capability} with the profile's failure arguments ${JSON.stringify(args)}`,
    );
    let last = started;
    if (started.json?.status === 'failed') {
      t.note('the execution failed at once: the execute answer itself has the failed shape');
    } else {
      const pending = t.expectJson(started, ExecuteAsyncPendingSchema, `async pending answer of ${capability} (§5.11)`);
      const answers = await pollUntilSettled(t, {
        agent,
        capability,
        location,
        started,
        statusUrl: pending.status_url,
      });
      last = answers[answers.length - 1]!;
    }
    t.expect(
      last.json?.status === 'failed',
      `execute ${capability} with ${JSON.stringify(args)}: expected the execution to end with status "failed", got ${describeAnswer(last)} with status ${JSON.stringify(last.json?.status)}`,
    );
    t.expectStatus(last, [200, 202], 'failed async answer (§5.11: 200; 202 tolerated by RUL-ASYNC-STATUS-CODES)');
    t.expectJson(
      last,
      ExecuteAsyncFailedSchema,
      'failed async answer (§5.11: status failed and a §5.13 error object, no data, status_url or result)',
    );
  },
});

const pollsAnswer200 = defineCheck({
  id: 'server.execution.async.polls-answer-200',
  title: 'Every status_url poll answers 200 OK',
  area: 'execution',
  requirements: ['AAP-5.11-08', 'AAP-5.11-SHAPE.async_completed.includes'],
  level: 'SHOULD',
  rulings: ['RUL-ASYNC-STATUS-CODES'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const answers = await pollToEnd(t);
    const other = answers.map((answer, index) => ({ answer, index })).filter(({ answer }) => answer.status !== 200);
    if (other.length > 0) {
      const list = other
        .map(({ answer, index }) => `poll ${index + 1} (${answer.json?.status}): ${answer.status}`)
        .join(', ');
      t.fail(`poll answers should use 200 OK (§5.11); got ${list}`);
    }
  },
});

/** Fails unless a poll was refused without revealing the execution's result (RUL-POLL-AUTH). */
function expectPollRefused(t: CheckContext, result: HttpResult, what: string): void {
  const refused = !result.error && result.status >= 400 && result.status < 500;
  if (!refused || result.json?.result !== undefined || result.json?.status !== undefined) {
    t.fail(
      `${what}: expected the poll to be refused with an error (§5.11, RUL-POLL-AUTH), got ${describeAnswer(result)}; body: ${result.body.slice(0, 200)}`,
    );
  }
}

/** The initiating agent's own poll must work, or the refusal proves nothing. */
async function expectOwnPollWorks(t: CheckContext, poller: StatusPoller): Promise<void> {
  const own = await poller.poll();
  if (!(own.status === 200 || own.status === 202) || own.json?.status === undefined) {
    t.fail(
      `precondition: the initiating agent's own poll with a fresh agent JWT was not answered with an async status (${describeAnswer(own)})`,
    );
  }
}

const pollNeedsToken = defineCheck({
  id: 'server.execution.async.poll-requires-token',
  title: 'A status_url poll without an agent JWT is refused',
  area: 'execution',
  requirements: ['AAP-5.11-06'],
  level: 'MUST',
  rulings: ['RUL-POLL-AUTH'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const execution = await startAsyncExecution(t, { anyOkStatus: true });
    requireTargetOrigin(t, execution);
    const anonymous = await t.client.raw('GET', execution.statusUrl, { label: 'poll status_url without a token' });
    expectPollRefused(t, anonymous, `GET ${execution.statusUrl} without Authorization`);
    await expectOwnPollWorks(t, new StatusPoller(t, execution));
  },
});

const pollByOtherAgent = defineCheck({
  id: 'server.execution.async.poll-other-agent',
  title: "A status_url poll with another agent's valid JWT is refused",
  area: 'execution',
  requirements: ['AAP-5.11-07'],
  level: 'MUST',
  rulings: ['RUL-POLL-AUTH'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const execution = await startAsyncExecution(t, { anyOkStatus: true });
    requireTargetOrigin(t, execution);
    const poller = new StatusPoller(t, execution);
    await expectOwnPollWorks(t, poller);
    const stranger = await agentWith(t, [execution.capability]);
    const foreign = await poller.poll(stranger);
    expectPollRefused(t, foreign, `GET ${execution.statusUrl} with a valid JWT of another agent`);
  },
});

export const checks: CheckDefinition[] = [pending, completed, failed, pollsAnswer200, pollNeedsToken, pollByOtherAgent];
