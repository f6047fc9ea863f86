import { AsyncLocalStorage } from 'node:async_hooks';
import type { ToleratedStep } from '../tolerance.ts';

/**
 * Files the verification steps the simulator lets through under the request being served: the
 * simulator reports each step through one callback, and the request it belongs to is the async
 * context the callback runs in.
 */
export class ToleranceNotes {
  private readonly current = new AsyncLocalStorage<Set<ToleratedStep>>();

  /** The simulator's `onTolerated` callback. */
  readonly note = (step: ToleratedStep): void => {
    this.current.getStore()?.add(step);
  };

  /** Runs `serve` and returns its answer with the steps tolerated meanwhile. */
  async collect<T>(serve: () => Promise<T>): Promise<{ result: T; steps: ToleratedStep[] }> {
    const steps = new Set<ToleratedStep>();
    const result = await this.current.run(steps, serve);
    return { result, steps: [...steps] };
  }
}
