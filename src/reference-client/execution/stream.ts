import { LIMITS } from '../config.ts';
import type { ClientFaultSet } from '../faults.ts';
import type { HttpStream } from '../http.ts';
import type { Reporter } from '../reporter.ts';
import { SseDecoder, type SseEvent } from '../sse.ts';
import { ToolError, isRecord } from '../tool-error.ts';

/**
 * Reads a streaming execution (§5.11) to its `done` event and closes the connection right then
 * (§5.11 MUST). Events without an `event:` line are data events (§5.11 MUST); each data chunk is
 * passed on to the agent as it arrives (§2.15 SHOULD) and collected for the result. An `error`
 * event makes the result an error; a stream that ends without `done` is incomplete, never a result
 * (§5.11 MUST NOT). At most LIMITS.maxSseEvents events are read.
 */
export async function readStream(
  stream: HttpStream,
  capability: string,
  faults: ClientFaultSet,
  reporter: Reporter,
): Promise<Record<string, unknown>> {
  const decoder = new SseDecoder();
  const chunks = stream.chunks();
  const events: unknown[] = [];
  let streamError: unknown;
  let done: { data: unknown } | undefined;
  let count = 0;

  async function take(event: SseEvent): Promise<void> {
    if (event.event === 'data') {
      if (!event.typed && faults.has('sse-drops-untyped-events')) return;
      const value = parse(event.data);
      events.push(value);
      await reporter.notify(`${capability}: stream chunk ${events.length}`, { chunk: value });
    } else if (event.event === 'error') {
      streamError = parse(event.data);
    }
  }

  try {
    reading: for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      for (const event of decoder.push(next.value)) {
        if (++count > LIMITS.maxSseEvents) {
          throw new ToolError(
            'stream_too_long',
            `${capability} sent more than ${LIMITS.maxSseEvents} events; the stream was abandoned`,
            { events },
          );
        }
        if (event.event === 'done') {
          done = { data: event.data === '' ? null : parse(event.data) };
          break reading;
        }
        await take(event);
      }
    }
  } finally {
    if (done !== undefined && faults.has('sse-keeps-stream-open')) {
      // Keep reading (and so keep the connection) until the server closes it.
      void drain(chunks).finally(() => stream.close());
    } else {
      await chunks.return(undefined).catch(() => undefined);
      stream.close();
    }
  }

  if (streamError !== undefined) {
    const error = isRecord(streamError) ? streamError : {};
    const code = typeof error.error === 'string' ? error.error : 'stream_error';
    const message = typeof error.message === 'string' ? error.message : 'the stream reported an error';
    throw new ToolError(code, `${capability}: ${message}`, {
      events,
      stream_error: streamError,
      completed: done !== undefined,
    });
  }
  if (done === undefined && !faults.has('sse-close-is-success')) {
    throw new ToolError(
      'stream_incomplete',
      `${capability}: the stream ended without a done event, so the result is incomplete`,
      { events },
    );
  }
  return { events, done: done?.data ?? null };
}

async function drain(chunks: AsyncGenerator<string>): Promise<void> {
  try {
    while (!(await chunks.next()).done) {
      // discard
    }
  } catch {
    // the connection ended; nothing to report
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
