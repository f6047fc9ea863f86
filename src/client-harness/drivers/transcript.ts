import type { CallError, ExitInfo, ToolResult, TranscriptEntry, TranscriptSnapshot } from '../../model/index.ts';
import { byteLength, capJson, capText, MAX_ENTRY_BYTES } from './caps.ts';

/**
 * Everything observed from one client session, in order: the calls the suite made and their
 * results, the notifications and requests the client sent, its stderr, protocol violations and the
 * life of its process. A flooding client cannot exhaust memory: notifications and violations are
 * kept up to a count, stderr up to its last bytes, and each entry is capped (the dropped amounts
 * are counted).
 */

export const TRANSCRIPT_LIMITS = {
  /** Notifications and requests from the client kept; later ones are only counted. */
  maxNotifications: 1000,
  /** Protocol violations kept; later ones are only counted. */
  maxProtocol: 1000,
  /** Only the last this-many bytes of stderr are kept. */
  maxStderrBytes: 256 * 1024,
};
export type TranscriptLimits = typeof TRANSCRIPT_LIMITS;

type EntryOf<K extends TranscriptEntry['kind']> = Extract<TranscriptEntry, { kind: K }>;
type Body<K extends TranscriptEntry['kind']> = Omit<EntryOf<K>, 'seq' | 'at' | 'kind'>;

export class Transcript {
  private seq = 0;
  private readonly main: TranscriptEntry[] = [];
  /** Stderr lines live apart so the oldest can be dropped cheaply; `snapshot` merges by seq. */
  private stderrLines: EntryOf<'stderr'>[] = [];
  private stderrHead = 0;
  private stderrBytes = 0;
  private notifications = 0;
  private protocols = 0;
  private readonly dropped = { notifications: 0, protocol: 0, stderr_lines: 0, stderr_bytes: 0 };
  private readonly limits: TranscriptLimits;

  constructor(limits: Partial<TranscriptLimits> = {}) {
    this.limits = { ...TRANSCRIPT_LIMITS, ...limits };
  }

  lifecycle(
    event: EntryOf<'lifecycle'>['event'],
    message: string,
    extra: { pid?: number; exit?: ExitInfo } = {},
  ): void {
    this.push('lifecycle', { event, message, ...extra });
  }

  call(call: number, tool: string, args: unknown): void {
    this.push('call', { call, tool, arguments: capJson(args).value });
  }

  result(
    call: number,
    tool: string,
    durationMs: number,
    result: ToolResult | undefined,
    error: CallError | undefined,
  ): void {
    const body: Body<'result'> = { call, tool, duration_ms: durationMs };
    if (result !== undefined) body.result = result;
    if (error !== undefined) body.error = error;
    this.push('result', body);
  }

  /** Records a notification (or, with `kind: 'request'`, a request) the client sent. */
  notification(method: string, params: unknown, kind: 'notification' | 'request' = 'notification'): void {
    if (this.notifications >= this.limits.maxNotifications) {
      this.dropped.notifications++;
      return;
    }
    this.notifications++;
    const body: Body<'notification'> = { method: capText(method, MAX_ENTRY_BYTES).text };
    if (params !== undefined) body.params = capJson(params, MAX_ENTRY_BYTES).value;
    this.push(kind, body);
  }

  protocol(message: string, data?: string): void {
    if (this.protocols >= this.limits.maxProtocol) {
      this.dropped.protocol++;
      return;
    }
    this.protocols++;
    const body: Body<'protocol'> = { message: capText(message, MAX_ENTRY_BYTES).text };
    if (data !== undefined) body.data = capText(data, MAX_ENTRY_BYTES).text;
    this.push('protocol', body);
  }

  /**
   * Records one stderr line (without its newline); only the last `maxStderrBytes` are kept.
   * `totalBytes` is the line's real length when the reader already cut it.
   */
  stderr(line: string, totalBytes?: number): void {
    const capped = capText(line, MAX_ENTRY_BYTES);
    const shown =
      totalBytes !== undefined && !capped.truncated
        ? `${line}\n…[truncated: ${totalBytes} bytes in total]`
        : capped.text;
    const entry: EntryOf<'stderr'> = { seq: ++this.seq, at: now(), kind: 'stderr', line: shown };
    this.stderrLines.push(entry);
    this.stderrBytes += byteLength(entry.line) + 1;
    while (this.stderrBytes > this.limits.maxStderrBytes && this.stderrHead < this.stderrLines.length) {
      const oldest = this.stderrLines[this.stderrHead++]!;
      const size = byteLength(oldest.line) + 1;
      this.stderrBytes -= size;
      this.dropped.stderr_lines++;
      this.dropped.stderr_bytes += size;
    }
    if (this.stderrHead > 1024 && this.stderrHead * 2 > this.stderrLines.length) {
      this.stderrLines = this.stderrLines.slice(this.stderrHead);
      this.stderrHead = 0;
    }
  }

  /** The last stderr lines, at most `maxBytes` of them, for error messages. */
  stderrTail(maxBytes = 2048): string {
    const lines: string[] = [];
    let used = 0;
    for (let index = this.stderrLines.length - 1; index >= this.stderrHead; index--) {
      const line = this.stderrLines[index]!.line;
      used += byteLength(line) + 1;
      if (used > maxBytes && lines.length > 0) break;
      lines.unshift(line);
    }
    return lines.join('\n');
  }

  /** A copy of the transcript in order, ready for a report. */
  snapshot(): TranscriptSnapshot {
    const stderr = this.stderrLines.slice(this.stderrHead);
    const entries: TranscriptEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < this.main.length || j < stderr.length) {
      const next =
        j >= stderr.length || (i < this.main.length && this.main[i]!.seq < stderr[j]!.seq)
          ? this.main[i++]!
          : stderr[j++]!;
      entries.push(next);
    }
    return { entries, dropped: { ...this.dropped } };
  }

  private push<K extends Exclude<TranscriptEntry['kind'], 'stderr'>>(kind: K, body: Body<K>): void {
    this.main.push({ seq: ++this.seq, at: now(), kind, ...body } as unknown as TranscriptEntry);
  }
}

function now(): string {
  return new Date().toISOString();
}
