import type { SseEvent } from '../model/index.ts';

/** Events kept per stream: a server sending many small events must not grow the harness's memory. */
export const MAX_KEPT_EVENTS = 500;

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format): feed it text as it
 * arrives; it collects dispatched events (the first MAX_KEPT_EVENTS and the `done`; other later ones are
 * only counted). An event without an `event:` field is a `data` event.
 */
export class SseParser {
  readonly events: SseEvent[] = [];
  /** Events dispatched beyond MAX_KEPT_EVENTS. */
  dropped = 0;
  private sawDone = false;
  private buffer = '';
  private data: string[] = [];
  private eventName: string | undefined;
  private lastId: string | undefined;
  private sawField = false;

  /** Feeds a chunk; returns true once a `done` event has been dispatched. */
  push(chunk: string): boolean {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone trailing CR may be the first half of CRLF: wait for more input.
      if (match === null || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
    return this.done;
  }

  /** Flushes a final line left without a terminator (an undispatched event is dropped, as the format says). */
  end(): void {
    if (this.buffer.length > 0) this.line(this.buffer);
    this.buffer = '';
  }

  get done(): boolean {
    return this.sawDone;
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.sawField = true;
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
  }

  private dispatch(): void {
    if (this.sawField && (this.data.length > 0 || this.eventName !== undefined)) {
      const event: SseEvent = { event: this.eventName || 'data', data: this.data.join('\n') };
      if (this.lastId !== undefined) event.id = this.lastId;
      if (event.event === 'done') this.sawDone = true;
      // The `done` that ends a stream is always kept: checks read how a stream ended.
      if (this.events.length < MAX_KEPT_EVENTS || event.event === 'done') this.events.push(event);
      else this.dropped += 1;
    }
    this.data = [];
    this.eventName = undefined;
    this.sawField = false;
  }
}
