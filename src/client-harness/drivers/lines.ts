/**
 * Splits a byte stream into lines while holding at most `maxLineBytes` of any one line: the rest of
 * an over-long line is counted and discarded, so a client writing without newlines costs bounded
 * memory. Lines are reported without their `\n` (and a trailing `\r`).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string, info: { truncated: boolean; bytes: number }) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      this.flush();
      start = newline + 1;
    }
  }

  /** Reports a last line that had no newline. */
  end(): void {
    if (this.total > 0) this.flush();
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    this.total += piece.length;
    const room = this.maxLineBytes - this.kept;
    if (room <= 0) return;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    // Copy: the stream may reuse the chunk's memory.
    this.parts.push(Buffer.from(kept));
    this.kept += kept.length;
  }

  private flush(): void {
    const line = Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '');
    const info = { truncated: this.total > this.kept, bytes: this.total };
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    this.onLine(line, info);
  }
}

/** Feeds every line of `stream` to `onLine`; stream errors end the feed quietly instead of escaping. */
export function pipeLines(
  stream: NodeJS.ReadableStream,
  maxLineBytes: number,
  onLine: (line: string, info: { truncated: boolean; bytes: number }) => void,
): void {
  const splitter = new LineSplitter(maxLineBytes, onLine);
  stream.on('data', (chunk: Buffer | string) => splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  stream.on('end', () => splitter.end());
  stream.on('error', () => splitter.end());
}
