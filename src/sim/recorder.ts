/** One HTTP exchange as the simulator saw it; bodies are kept as text. */
export interface RecordedExchange {
  /** Sequence number, starting at 1. */
  seq: number;
  /** Simulated time at which the request arrived (epoch ms). */
  time: number;
  /** `protocol` for the Agent Auth endpoints, `control` for the operator control API. */
  channel: 'protocol' | 'control';
  method: string;
  /** Path including the query string. */
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  responseHeaders: Record<string, string>;
  /** Response body text; for streams it is filled in once the stream ends (see `complete`). */
  responseBody: string;
}

export type ExchangeListener = (exchange: RecordedExchange) => void;

/** Exchanges kept: the latest ones; older ones are dropped so a long-lived simulator stays small. */
export const MAX_RECORDED_EXCHANGES = 2000;
/** Request and response bodies are kept up to this many characters, then cut with a marker. */
export const MAX_RECORDED_BODY_CHARS = 64 * 1024;

function cut(text: string): string {
  return text.length <= MAX_RECORDED_BODY_CHARS
    ? text
    : `${text.slice(0, MAX_RECORDED_BODY_CHARS)}…[cut: ${text.length - MAX_RECORDED_BODY_CHARS} more characters]`;
}

/**
 * Keeps the latest MAX_RECORDED_EXCHANGES exchanges in arrival order (bodies cut at
 * MAX_RECORDED_BODY_CHARS), for tests that read what the simulator saw; `reset` clears it.
 */
export class Recorder {
  private readonly log: RecordedExchange[] = [];
  private readonly listeners = new Set<ExchangeListener>();
  private nextSeq = 1;

  /** Stores an exchange whose response status and headers are known; the body may follow later. */
  add(entry: Omit<RecordedExchange, 'seq'>): RecordedExchange {
    const exchange: RecordedExchange = { seq: this.nextSeq++, ...entry, body: cut(entry.body) };
    this.log.push(exchange);
    if (this.log.length > MAX_RECORDED_EXCHANGES) this.log.splice(0, this.log.length - MAX_RECORDED_EXCHANGES);
    return exchange;
  }

  /** Tells listeners that `exchange` is complete (response body included). */
  complete(exchange: RecordedExchange): void {
    exchange.responseBody = cut(exchange.responseBody);
    for (const listener of this.listeners) listener(exchange);
  }

  /** A snapshot of the exchanges recorded so far. */
  entries(): RecordedExchange[] {
    return this.log.map((exchange) => ({ ...exchange }));
  }

  /** Calls `listener` for every completed exchange; returns an unsubscribe function. */
  subscribe(listener: ExchangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.log.length = 0;
  }
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}
