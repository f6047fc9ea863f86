import {
  describeAnswer,
  ExecuteAsyncPendingSchema,
  type AgentIdentity,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { agentWith, execute, isTargetOrigin, sleep } from './fixtures.ts';

/** Polls answered before the suite gives up on an unfinished execution. */
const MAX_POLLS = 10;
/** Wait between polls when the server suggests none; any suggestion is capped at one second. */
const DEFAULT_POLL_WAIT_MS = 250;

export interface AsyncExecution {
  agent: AgentIdentity;
  capability: string;
  location: string;
  /** The answer to the execute request. */
  started: HttpResult;
  statusUrl: string;
}

/**
 * Starts the profile's async capability and checks the first answer: a pending body with a
 * status_url (§5.11), with status 202 unless `anyOkStatus` (checks about polling leave the 202 rule
 * to the check that judges it).
 */
export async function startAsyncExecution(
  t: CheckContext,
  opts: { anyOkStatus?: boolean } = {},
): Promise<AsyncExecution> {
  const capability = t.capability('async');
  const agent = await agentWith(t, [capability]);
  const location = t.client.locationFor(capability);
  const started = await execute(t, agent, capability);
  if (opts.anyOkStatus) t.expectStatus(started, [200, 202], `execute ${capability} (async capability)`);
  else
    t.expectStatus(
      started,
      202,
      `execute ${capability} (async capability; §5.11: an unfinished execution answers 202)`,
    );
  const pending = t.expectJson(started, ExecuteAsyncPendingSchema, `async pending answer of ${capability} (§5.11)`);
  return { agent, capability, location, started, statusUrl: pending.status_url };
}

/** Polling checks are not applicable when status_url leaves the target: agent JWTs go only to the target. */
export function requireTargetOrigin(t: CheckContext, execution: AsyncExecution): void {
  if (!isTargetOrigin(t, execution.statusUrl, execution.location)) {
    t.notApplicable(
      `status_url ${execution.statusUrl} is on another origin than the issuer and the execution location; the suite sends agent JWTs only to the target`,
    );
  }
}

/**
 * Polls a status_url with a fresh agent JWT each time. The spec names no audience for poll tokens,
 * so the first poll tries the execution location, the issuer and the status URL itself, notes which
 * one the server accepted, and later polls reuse it.
 */
export class StatusPoller {
  private audience: string | undefined;

  constructor(
    private readonly t: CheckContext,
    private readonly execution: AsyncExecution,
  ) {}

  async poll(agent: AgentIdentity = this.execution.agent): Promise<HttpResult> {
    if (this.audience !== undefined) return this.t.client.poll(agent, this.execution.statusUrl, { aud: this.audience });
    const candidates = [...new Set([this.execution.location, this.t.client.issuer, this.execution.statusUrl])];
    let last: HttpResult | undefined;
    for (const aud of candidates) {
      last = await this.t.client.poll(agent, this.execution.statusUrl, { aud });
      if (!(last.status === 401 && last.json?.error === 'invalid_jwt')) {
        this.audience = aud;
        const refused = candidates.slice(0, candidates.indexOf(aud));
        this.t.note(
          `poll tokens: the server accepted aud ${aud} (${audienceRole(aud, this.execution, this.t.client.issuer)})` +
            (refused.length > 0 ? `; refused with 401 invalid_jwt: ${refused.join(', ')}` : ''),
        );
        return last;
      }
    }
    this.t.note(`poll tokens: every audience tried was refused with 401 invalid_jwt (${candidates.join(', ')})`);
    return last as HttpResult;
  }

  /** Polls until the status is no longer pending; skips after MAX_POLLS pending answers. */
  async untilSettled(): Promise<HttpResult[]> {
    const answers: HttpResult[] = [];
    for (let i = 0; i < MAX_POLLS; i += 1) {
      const answer = await this.poll();
      answers.push(answer);
      if (answer.json?.status !== 'pending') return answers;
      await sleep(suggestedWaitMs(answer));
    }
    this.t.skip(
      `the execution was still pending after ${MAX_POLLS} polls (last: ${describeAnswer(answers[answers.length - 1]!)}); the suite does not wait longer`,
    );
  }
}

function audienceRole(aud: string, execution: AsyncExecution, issuer: string): string {
  if (aud === execution.location) return 'the execution location';
  if (aud === issuer) return 'the issuer';
  return 'the status_url itself';
}

function suggestedWaitMs(answer: HttpResult): number {
  const header = Number(answer.headers['retry-after']);
  const body = Number(answer.json?.retry_after);
  const seconds = Number.isFinite(header) ? header : Number.isFinite(body) ? body : undefined;
  return seconds === undefined ? DEFAULT_POLL_WAIT_MS : Math.max(0, seconds * 1000);
}
