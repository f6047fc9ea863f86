/** Approval flows still being polled, by agent id, so disconnecting (or exiting) can stop them. */
export class PendingFlows {
  private readonly controllers = new Map<string, AbortController>();

  start(agentId: string): AbortSignal {
    this.cancel(agentId);
    const controller = new AbortController();
    this.controllers.set(agentId, controller);
    return controller.signal;
  }

  finish(agentId: string, signal: AbortSignal): void {
    if (this.controllers.get(agentId)?.signal === signal) this.controllers.delete(agentId);
  }

  has(agentId: string): boolean {
    return this.controllers.has(agentId);
  }

  cancel(agentId: string): void {
    this.controllers.get(agentId)?.abort(new Error('approval flow cancelled'));
    this.controllers.delete(agentId);
  }

  cancelAll(): void {
    for (const agentId of [...this.controllers.keys()]) this.cancel(agentId);
  }
}
