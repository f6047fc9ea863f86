import type { SseEvent } from '../model/index.ts';

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format): feed it text as it
 * arrives; it collects dispatched events. An event without an `event:` field is a `data` event.
 */
export class SseParser {
  readonly events: SseEvent[] = [];
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
    return this.events.some((event) => event.event === 'done');
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
      this.events.push(event);
    }
    this.data = [];
    this.eventName = undefined;
    this.sawField = false;
  }
}
