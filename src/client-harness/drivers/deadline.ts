import type { CallError } from '../../model/index.ts';

/**
 * Races a piece of work against the things that end a call without the client's answer: its
 * deadline, the caller's abort signal and a failure of the whole session (the process crashed,
 * the client broke the protocol). The work gets a signal that fires when the race is lost, so it
 * can cancel what it started; work that ignores it is simply abandoned.
 */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: CallError } | { ok: false; thrown: unknown };

/** Session-wide failures, delivered to every call in flight when they happen. */
export class FailureBus {
  private readonly listeners = new Set<(error: CallError) => void>();

  /** Fails every call in flight with `error`. */
  fail(error: CallError): void {
    for (const listener of [...this.listeners]) listener(error);
  }

  subscribe(listener: (error: CallError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface RaceLimits {
  timeoutMs: number;
  signal?: AbortSignal;
  failures?: FailureBus;
  /** What the timeout error says had not happened, e.g. `no answer`, `not ready`. */
  what?: string;
}

export function race<T>(work: (signal: AbortSignal) => Promise<T>, limits: RaceLimits): Promise<Settled<T>> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    let done = false;
    const cleanups: (() => void)[] = [];
    const finish = (outcome: Settled<T>) => {
      if (done) return;
      done = true;
      for (const cleanup of cleanups) cleanup();
      if (!outcome.ok) controller.abort(new Error('call ended'));
      resolve(outcome);
    };
    const what = limits.what ?? 'no answer';
    const timer = setTimeout(
      () => finish({ ok: false, error: { kind: 'timeout', message: `${what} within ${limits.timeoutMs} ms` } }),
      limits.timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    const onAbort = () => finish({ ok: false, error: { kind: 'aborted', message: 'the caller aborted the call' } });
    if (limits.signal?.aborted) {
      onAbort();
      return;
    }
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => limits.signal?.removeEventListener('abort', onAbort));
    if (limits.failures) cleanups.push(limits.failures.subscribe((error) => finish({ ok: false, error })));
    let promise: Promise<T>;
    try {
      promise = work(controller.signal);
    } catch (thrown) {
      promise = Promise.reject(thrown);
    }
    // Handled here whatever happens, so an abandoned promise can never become an unhandled rejection.
    promise.then(
      (value) => finish({ ok: true, value }),
      (thrown: unknown) => finish({ ok: false, thrown }),
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
