import { defineCheck, type CheckContext, type CheckDefinition } from '../../../src/harness/check.ts';
import { activeSyncAgent, control, describe, executeSync, readStatus } from './support.ts';

/** Shortest remaining session (seconds) worth advancing the clock through. */
const MIN_SESSION_SECONDS = 10;
/** Each advance covers this share of the session TTL: two of them pass the original deadline. */
const ADVANCE_SHARE = 0.6;

/**
 * The server's time as the harness knows it: local time plus an offset, first learned from the
 * control hook or a timestamp the server wrote, then taken from the `now` that advance-clock answers (control
 * contract §5.7). Tokens minted after an advance carry this time, or the server would find them
 * long expired.
 */
class ServerClock {
  constructor(private offsetMs: number) {}

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the server clock forward through the operator hook and follows it. */
  async advance(t: CheckContext, seconds: number): Promise<void> {
    const result = await control(t).advanceClock({ seconds });
    const now: unknown = result.json?.now;
    if (typeof now === 'number') this.offsetMs = now * 1000 - Date.now();
    else this.offsetMs += seconds * 1000;
  }
}

/** The server clock, from the control hook's `now` (contract §4) or else the agent's `created_at`. */
async function learnServerClock(t: CheckContext, createdAtOffsetMs: number): Promise<ServerClock> {
  const probe = await t.client.raw('GET', control(t).info.baseUrl, { label: 'control: server time' });
  const now: unknown = probe.json?.now;
  return new ServerClock(typeof now === 'number' ? now * 1000 - Date.now() : createdAtOffsetMs);
}

/**
 * The control contract only moves the clock forward, so later checks' tokens would look stale:
 * reset the target (this check runs alone), or leave a note when it cannot be reset.
 */
async function restoreClock(t: CheckContext): Promise<void> {
  const hook = control(t);
  const reset = hook.supports('reset') ? await hook.call('reset', {}) : undefined;
  if (reset && reset.status >= 200 && reset.status < 300) return;
  t.note(`the server clock stays ahead and the target could not be reset${reset ? ` (${describe(reset)})` : ''}; later checks may see their tokens as expired`);
}

export const sessionChecks: CheckDefinition[] = [
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
      const localBefore = Date.now();
      const agent = await activeSyncAgent(t);
      const initial = await readStatus(t, agent, {}, 'status of the new agent');
      const createdAt = Date.parse(String(initial.json.created_at));
      const expiresAt = Date.parse(String(initial.json.expires_at));
      if (Number.isNaN(createdAt)) t.skip('the status answer has no usable created_at, so the server clock cannot be estimated');
      if (Number.isNaN(expiresAt)) t.skip('the status answer has no expires_at (optional, §5.5), so the session TTL cannot be sized');
      const clock = await learnServerClock(t, createdAt - localBefore);
      const remaining = (expiresAt - clock.nowMs()) / 1000;
      if (remaining < MIN_SESSION_SECONDS) t.skip(`the session expires in ${remaining.toFixed(1)} s, too soon to advance the clock through it`);
      const step = Math.floor(remaining * ADVANCE_SHARE);
      try {
        await clock.advance(t, step);
        const first = await executeSync(t, agent, { now: clock.nowSeconds() });
        t.expect(
          first.status === 200,
          `execute ${step} s into a session that status said had ${Math.round(remaining)} s left: expected 200, got ${describe(first)}`,
        );
        await clock.advance(t, step);
        const later = await readStatus(t, agent, { now: clock.nowSeconds() }, 'status past the original session deadline');
        const movedTo = typeof later.json.expires_at === 'string' ? ` (expires_at now ${later.json.expires_at})` : '';
        t.expect(
          later.status === 'active',
          `status ${2 * step} s after start, past the original expires_at ${String(initial.json.expires_at)} but only ${step} s after the agent's last request: expected "active" (§2.3: each request extends the TTL), got "${later.status}"${movedTo}`,
        );
        const second = await executeSync(t, agent, { now: clock.nowSeconds() });
        t.expect(second.status === 200, `execute past the original session deadline: expected 200 (the earlier request extended the session, §2.3), got ${describe(second)}`);
      } finally {
        await restoreClock(t);
      }
    },
  }),
];
