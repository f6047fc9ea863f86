import {
  pollApproval,
  presentApproval,
  type ApprovalOutcome,
  type PresentedApproval,
  type Verdict,
} from '../approval.ts';
import type { ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import { RelayReporter, type Reporter } from '../reporter.ts';
import type { Connection } from '../state.ts';
import { sleep } from '../timing.ts';

export type Followed =
  | { kind: 'ended'; outcome: ApprovalOutcome; approval: PresentedApproval }
  /** The tool's wait ran out first; polling goes on and `later` gets the outcome. */
  | { kind: 'waiting'; approval: PresentedApproval };

export interface FollowOptions {
  provider: Provider;
  connection: Connection;
  approval: unknown;
  judge: (view: Record<string, unknown>) => Verdict;
  reporter: Reporter;
  /** Applies an outcome that arrives after the tool call returned. */
  later: (outcome: ApprovalOutcome) => Promise<void>;
}

/**
 * Runs an approval flow (§7) on behalf of a tool: shows the approval, then polls until it ends or
 * `--approval-timeout` runs out. In the second case the tool answers `pending` with the approval
 * fields while the client keeps polling by itself (a tool call must not block for the whole approval
 * lifetime) and applies the outcome to the stored connection when it comes.
 */
export async function followApproval(ctx: ClientContext, o: FollowOptions): Promise<Followed> {
  const approval = await presentApproval(o.approval, o.provider, ctx.policy, ctx.faults, o.reporter);
  const receivedAt = Date.now();
  const waitMs = ctx.config.approvalTimeoutSeconds * 1000;
  const signal = ctx.flows.start(o.connection.agentId);
  const relay = new RelayReporter(o.reporter);
  const poll = pollApproval({
    api: ctx.api,
    provider: o.provider,
    connection: o.connection,
    approval,
    receivedAt,
    waitUntil: receivedAt + waitMs,
    judge: o.judge,
    faults: ctx.faults,
    reporter: relay,
    signal,
  }).finally(() => ctx.flows.finish(o.connection.agentId, signal));

  const timer = new AbortController();
  const waited = sleep(waitMs, timer.signal).then(
    () => 'waited' as const,
    () => 'ended' as const,
  );
  const first = await Promise.race([
    poll.then(
      (outcome) => ({ outcome }),
      (error: unknown) => ({ error }),
    ),
    waited,
  ]);
  if (typeof first === 'object') {
    timer.abort();
    if ('error' in first) throw first.error;
    return { kind: 'ended', outcome: first.outcome, approval };
  }
  relay.target = ctx.background;
  void poll.then(o.later, () => undefined);
  await o.reporter.notify(
    `The approval is still pending after ${ctx.config.approvalTimeoutSeconds} s; the client keeps polling and updates agent ${o.connection.agentId} when it ends (see agent_status).`,
  );
  return { kind: 'waiting', approval };
}
