import type { ListenerName, SimEndpoint } from './endpoints.ts';
import type { OperatorNote } from './operator.ts';

/** One request a client sent to any listener of the scenario, with what it was answered. */
export interface ObservedRequest {
  /** 1-based arrival order across all listeners of the scenario. */
  seq: number;
  /** Arrival, in ms since the scenario started (monotonic clock). */
  at: number;
  listener: ListenerName;
  endpoint: SimEndpoint | 'other';
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as text, cut at MAX_RECORDED_BODY_BYTES. */
  body?: string;
  bodyTruncated?: true;
  /** The bearer token, decoded without any verification. */
  jwt?: { raw: string; header?: Record<string, unknown>; claims?: Record<string, unknown>; error?: string };
  /** The answer; a stream's body is filled in once the stream ends. */
  response: {
    status: number;
    headers: Record<string, string>;
    body?: string;
    bodyTruncated?: true;
    /** For an event stream: who ended it, once it ended (the client closing it, or the simulator). */
    streamEnd?: 'client-closed' | 'server-closed';
  };
  /** Verification steps let through for this request (see tolerance.ts); empty when none. */
  tolerated: string[];
  /** Operator actions triggered by this request, with their outcome. */
  operator?: OperatorNote[];
}

export interface ObservationMatch {
  endpoint?: SimEndpoint | 'other';
  listener?: ListenerName;
  /** 1-based among the matching requests; the first when absent. */
  nth?: number;
}

/** At most this many requests are kept per scenario; later ones are only counted. */
export const MAX_OBSERVED_REQUESTS = 5000;
/** Each request and response body is kept up to this size. */
export const MAX_RECORDED_BODY_BYTES = 64 * 1024;
/**
 * All kept bodies together stay under this size, so that a client flooding large bodies cannot make
 * the 5000 requests cost 640 MiB; past it, bodies are marked truncated and kept empty.
 */
export const RECORDED_BODY_BUDGET_BYTES = 32 * 1024 * 1024;

/** The bounded, seq-ordered record of one scenario's requests. */
export class ObservationLog {
  private readonly log: ObservedRequest[] = [];
  private readonly waiters = new Set<() => void>();
  private droppedCount = 0;
  private budget = RECORDED_BODY_BUDGET_BYTES;

  /** Keeps `entry` (in seq order) unless the log is full; wakes up waiters. */
  add(entry: ObservedRequest): void {
    if (this.log.length >= MAX_OBSERVED_REQUESTS) {
      this.droppedCount += 1;
      return;
    }
    let index = this.log.length;
    while (index > 0 && this.log[index - 1]!.seq > entry.seq) index -= 1;
    this.log.splice(index, 0, entry);
    for (const wake of this.waiters) wake();
  }

  entries(): readonly ObservedRequest[] {
    return [...this.log];
  }

  /** Requests not kept because the log was full. */
  dropped(): number {
    return this.droppedCount;
  }

  /** `bytes` as text within the size and budget caps. */
  keepBody(bytes: Uint8Array): { text: string; truncated: boolean } {
    const kept = Math.min(bytes.byteLength, MAX_RECORDED_BODY_BYTES, this.budget);
    this.budget -= kept;
    return { text: new TextDecoder().decode(bytes.subarray(0, kept)), truncated: kept < bytes.byteLength };
  }

  /** The request matching `match` once it has been answered, or undefined at the deadline. */
  waitFor(match: ObservationMatch, timeoutMs: number): Promise<ObservedRequest | undefined> {
    const find = () => this.log.filter((entry) => matches(entry, match))[(match.nth ?? 1) - 1];
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const finish = (entry: ObservedRequest | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(entry);
      };
      const check = () => {
        const entry = find();
        if (entry !== undefined) finish(entry);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.waiters.add(check);
    });
  }
}

function matches(entry: ObservedRequest, match: ObservationMatch): boolean {
  return (
    (match.endpoint === undefined || entry.endpoint === match.endpoint) &&
    (match.listener === undefined || entry.listener === match.listener)
  );
}
