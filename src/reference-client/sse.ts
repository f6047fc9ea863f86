/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The event type; `data` when the event had no `event:` line (§5.11). */
  event: string;
  data: string;
  /** Whether the event named its type with an `event:` line. */
  typed: boolean;
}

/**
 * Incremental decoder for the event-stream format (WHATWG HTML §9.2.6): lines end in CRLF, LF or
 * CR; `data:` lines of one event are joined with LF; comment lines (":") and unknown fields are
 * skipped; an empty line dispatches. The client's own implementation, independent of the harness's.
 */
export class SseDecoder {
  private buffer = '';
  private data: string[] = [];
  private type: string | undefined;
  private hasData = false;

  /** Feeds text; returns the events it completed. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A CR at the very end may be the first half of a CRLF: wait for more text.
      if (match === null || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  /** At the end of the stream: an event not followed by an empty line is discarded, as the format says. */
  end(): void {
    this.buffer = '';
    this.reset();
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'event') {
      this.type = value;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const typed = this.type !== undefined && this.type !== '';
    const event: SseEvent | undefined =
      this.hasData || typed ? { event: typed ? this.type! : 'data', data: this.data.join('\n'), typed } : undefined;
    this.reset();
    return event;
  }

  private reset(): void {
    this.data = [];
    this.type = undefined;
    this.hasData = false;
  }
}
