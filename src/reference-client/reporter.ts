import { log } from './log.ts';

/**
 * Where a tool tells the agent (and its user) what happens while it runs: approval codes to act on,
 * polling progress, stream chunks. The MCP binding turns notes into progress and logging
 * notifications; every note also goes to stderr.
 */
export interface Reporter {
  notify(message: string, data?: Record<string, unknown>): Promise<void>;
}

/** A reporter for work that outlives its tool call: stderr plus, when set, a connection-wide channel. */
export class BackgroundReporter implements Reporter {
  private channel: ((message: string, data?: Record<string, unknown>) => Promise<void>) | undefined;

  attach(channel: (message: string, data?: Record<string, unknown>) => Promise<void>): void {
    this.channel = channel;
  }

  async notify(message: string, data?: Record<string, unknown>): Promise<void> {
    log(message);
    await this.channel?.(message, data).catch(() => undefined);
  }
}

/** Forwards to one reporter and can be pointed at another (a flow moving from its tool call to the background). */
export class RelayReporter implements Reporter {
  constructor(public target: Reporter) {}

  notify(message: string, data?: Record<string, unknown>): Promise<void> {
    return this.target.notify(message, data);
  }
}
