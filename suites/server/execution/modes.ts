import {
  capabilityForRole,
  defineCheck,
  describeAnswer,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { requireTargetOrigin, startAsyncExecution, StatusPoller } from './async-session.ts';
import { agentWith, execute } from './fixtures.ts';

/** The interaction modes of §2.15. */
type Mode = 'sync' | 'async' | 'stream';
const MODE_ROLES = ['sync', 'async', 'stream'] as const;

/** The mode an execute answer shows: an event stream, an async status object, or sync `data`. */
function modeOf(result: HttpResult): Mode | undefined {
  if ((result.headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream')) return 'stream';
  const json: unknown = result.json;
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as { status?: unknown; status_url?: unknown; data?: unknown };
  if (body.status_url !== undefined || ['pending', 'completed', 'failed'].includes(body.status as string))
    return 'async';
  return 'data' in body ? 'sync' : undefined;
}

const oneMode = defineCheck({
  id: 'server.execution.one-mode-per-capability',
  title: 'Executing the same capability twice answers in the same interaction mode (sync, async or stream)',
  area: 'execution',
  requirements: ['AAP-2.15-01'],
  level: 'MUST',
  needs: [{ capability: 'sync' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const byName = new Map<string, Mode>();
    for (const role of MODE_ROLES) {
      const name = capabilityForRole(t.profile, role);
      if (name !== undefined && !byName.has(name)) byName.set(name, role);
    }
    const agent = await agentWith(t, [...byName.keys()]);
    const seen: string[] = [];
    for (const [name, role] of byName) {
      const modes: Mode[] = [];
      for (const attempt of ['first', 'second']) {
        const result = await execute(t, agent, name);
        t.expectStatus(result, [200, 202], `${attempt} execution of ${name}`);
        const mode = modeOf(result);
        if (mode === undefined) {
          t.fail(
            `${attempt} execution of ${name} answered ${describeAnswer(result)} in none of the modes of §2.15 (no event stream, no async status, no sync data): ${result.body.slice(0, 200)}`,
          );
        }
        modes.push(mode);
      }
      t.expect(
        modes[0] === modes[1],
        `${name} answered its first execution in ${modes[0]} mode and the second in ${modes[1]} mode (§2.15: each capability operates in exactly one mode)`,
      );
      seen.push(`${name}: ${modes[0]}${modes[0] === role ? '' : ` (the profile names it for the ${role} role)`}`);
    }
    t.note(`modes observed twice each: ${seen.join('; ')}`);
  },
});

/** Whether a Retry-After header value is a non-negative number of seconds. */
function isSeconds(value: string): boolean {
  return /^\d+(\.\d+)?$/.test(value.trim());
}

const retryAfterHint = defineCheck({
  id: 'server.execution.async.retry-after-hint',
  title: 'A Retry-After hint on async answers (header or retry_after member) is a non-negative number of seconds',
  area: 'execution',
  requirements: ['AAP-2.15-06'],
  level: 'MAY',
  needs: [{ capability: 'async' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const execution = await startAsyncExecution(t, { anyOkStatus: true });
    requireTargetOrigin(t, execution);
    const polls = await new StatusPoller(t, execution).untilSettled();
    const answers = [
      { what: 'the execute answer', result: execution.started },
      ...polls.map((result, index) => ({ what: `poll ${index + 1}`, result })),
    ];
    const hints: string[] = [];
    const problems: string[] = [];
    for (const { what, result } of answers) {
      const header = result.headers['retry-after'];
      if (header !== undefined) {
        hints.push(`${what}: header ${JSON.stringify(header)}`);
        if (!isSeconds(header)) problems.push(`${what} has Retry-After ${JSON.stringify(header)}`);
      }
      const member: unknown = result.json?.retry_after;
      if (member !== undefined) {
        hints.push(`${what}: retry_after ${JSON.stringify(member)}`);
        if (typeof member !== 'number' || !Number.isFinite(member) || member < 0)
          problems.push(`${what} has retry_after ${JSON.stringify(member)}`);
      }
    }
    t.expect(
      problems.length === 0,
      `a retry hint is not a non-negative number of seconds (§2.15): ${problems.join('; ')}`,
    );
    t.note(
      hints.length > 0
        ? `retry hints: ${hints.join('; ')}`
        : `none of the ${answers.length} async answers suggests a retry delay (optional, §2.15)`,
    );
  },
});

export const checks: CheckDefinition[] = [oneMode, retryAfterHint];
