import { defineCheck, describeAnswer, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { activeSyncAgent, executeSync } from '../_shared/execution.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { control } from './fixtures.ts';

/** Shortest remaining session (seconds) worth advancing the clock through. */
const MIN_SESSION_SECONDS = 10;
/** Each advance covers this share of the session TTL: two of them pass the original deadline. */
const ADVANCE_SHARE = 0.6;

/**
 * The control contract only moves the clock forward, so later checks' tokens would look stale:
 * reset the target (this check runs alone), or leave a note when it cannot be reset.
 */
async function restoreClock(t: CheckContext): Promise<void> {
  const hook = control(t);
  if (!hook.supports('reset')) {
    t.note('the server clock stays ahead and the target offers no reset; later checks may see their tokens as expired');
    return;
  }
  await hook.reset();
}

export const checks: CheckDefinition[] = [
  defineCheck({
    id: 'server.lifecycle.session.agent-requests-extend-ttl',
    title: "An active agent's own requests push its session expiry out",
    area: 'lifecycle',
    requirements: ['AAP-2.3-STATE.active'],
    level: 'MUST',
    rulings: ['RUL-SESSION-EXTENSION'],
    needs: [{ control: 'advance-clock' }, { control: 'approve' }, { capability: 'sync' }],
    exclusive: true,
    async run(t: CheckContext) {
      const agent = await activeSyncAgent(t);
      const initial = await readStatus(t, agent, {}, 'status of the new agent');
      const expiresAt = Date.parse(String(initial.json.expires_at));
      if (Number.isNaN(expiresAt))
        t.skip('the status answer has no expires_at (optional, §5.5), so the session TTL cannot be sized');
      const remaining = expiresAt / 1000 - t.client.now();
      if (remaining < MIN_SESSION_SECONDS)
        t.skip(`the session expires in ${remaining.toFixed(1)} s, too soon to advance the clock through it`);
      const step = Math.floor(remaining * ADVANCE_SHARE);
      try {
        await control(t).advanceClock({ seconds: step });
        const first = await executeSync(t, agent, {});
        t.expect(
          first.status === 200,
          `execute ${step} s into a session that status said had ${Math.round(remaining)} s left: expected 200, got ${describeAnswer(first)}`,
        );
        await control(t).advanceClock({ seconds: step });
        const later = await readStatus(t, agent, {}, 'status past the original session deadline');
        const movedTo = typeof later.json.expires_at === 'string' ? ` (expires_at now ${later.json.expires_at})` : '';
        t.expect(
          later.status === 'active',
          `status ${2 * step} s after start, past the original expires_at ${String(initial.json.expires_at)} but only ${step} s after the agent's last request: expected "active" (§2.3: each request extends the TTL), got "${later.status}"${movedTo}`,
        );
        const second = await executeSync(t, agent, {});
        t.expect(
          second.status === 200,
          `execute past the original session deadline: expected 200 (the earlier request extended the session, §2.3), got ${describeAnswer(second)}`,
        );
      } finally {
        await restoreClock(t);
      }
    },
  }),
];
