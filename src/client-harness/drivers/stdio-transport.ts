import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MAX_ENTRY_BYTES } from './caps.ts';
import { sleep } from './deadline.ts';
import { pipeLines } from './lines.ts';
import { spawnGroup, terminateGroup, type ProcessGroup } from './process-group.ts';
import type { ExitInfo } from '../../model/index.ts';
import type { Transcript } from './transcript.ts';

/**
 * MCP stdio transport for a client under test. Unlike the SDK's own, it runs the client in its own
 * process group (so closing kills the whole tree), keeps stderr in the transcript, bounds every
 * line it buffers, and reports each stdout line that is not a JSON-RPC message as a
 * ProtocolViolation (MCP stdio servers must write nothing else to stdout) instead of dropping it.
 */

/** A single JSON-RPC message longer than this is a protocol violation (and is not buffered further). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** After the client exits, its last stdout bytes get this long to arrive before the exit is reported. */
const DRAIN_MS = 100;

/** The client broke the stdio protocol; the session fails the calls in flight with it. */
export class ProtocolViolation extends Error {
  override name = 'ProtocolViolation';

  constructor(
    message: string,
    readonly line?: string,
  ) {
    super(message);
  }
}

/** The client's command could not be started at all. */
export class SpawnError extends Error {
  override name = 'SpawnError';
}

export interface ChildProcessTransportOptions {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  transcript: Transcript;
  /** Time between SIGTERM and SIGKILL when closing. */
  graceMs: number;
  /** The client exited while the transport was open (not because it was closed). */
  onExit: (exit: ExitInfo) => void;
}

export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private group: ProcessGroup | undefined;
  private closing = false;
  private terminated: Promise<void> | undefined;
  private closeNotified = false;
  private stdoutEnded: Promise<void> = Promise.resolve();

  constructor(private readonly options: ChildProcessTransportOptions) {}

  get pid(): number | undefined {
    return this.group?.pid;
  }

  async start(): Promise<void> {
    const { argv, env, cwd, transcript } = this.options;
    try {
      this.group = await spawnGroup(argv, cwd === undefined ? { env } : { env, cwd });
    } catch (error) {
      throw new SpawnError(error instanceof Error ? error.message : String(error));
    }
    const { child, pid } = this.group;
    transcript.lifecycle('spawned', `pid ${pid}: ${argv.join(' ')}`, { pid });
    this.stdoutEnded = new Promise((resolve) => {
      child.stdout.once('close', resolve);
      child.stdout.once('end', resolve);
    });
    pipeLines(child.stdout, MAX_MESSAGE_BYTES, (line, info) => this.onStdoutLine(line, info));
    pipeLines(child.stderr, MAX_ENTRY_BYTES, (line, info) =>
      transcript.stderr(line, info.truncated ? info.bytes : undefined),
    );
    void this.group.exited
      .then((exit) => this.onExited(exit))
      .catch((error: unknown) => this.onerror?.(error as Error));
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.group?.child.stdin;
    if (!stdin || this.closing || this.group?.exit !== undefined || !stdin.writable) {
      return Promise.reject(new Error('the client process is not running'));
    }
    return new Promise((resolve, reject) => {
      const flushed = stdin.write(`${JSON.stringify(message)}\n`, (error) => {
        if (error) reject(error);
      });
      if (flushed) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Stops the process group; every caller waits for the same termination. */
  async close(): Promise<void> {
    this.closing = true;
    const group = this.group;
    this.terminated ??= group
      ? terminateGroup(group, { graceMs: this.options.graceMs, stdinGraceMs: 100 })
      : Promise.resolve();
    await this.terminated;
    this.notifyClose();
  }

  private onStdoutLine(line: string, info: { truncated: boolean; bytes: number }): void {
    if (line.trim() === '') return;
    if (info.truncated) {
      this.violation(`a stdout line of ${info.bytes} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte message cap`, line);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.violation('the client wrote a line that is not JSON to stdout', line);
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(parsed);
    if (!message.success) {
      this.violation('the client wrote JSON that is not a JSON-RPC message to stdout', line);
      return;
    }
    try {
      this.onmessage?.(message.data);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private violation(message: string, line: string): void {
    this.onerror?.(new ProtocolViolation(message, line));
  }

  private async onExited(exit: ExitInfo): Promise<void> {
    // Let the answers the client wrote just before exiting be processed before declaring it gone.
    await Promise.race([this.stdoutEnded, sleep(DRAIN_MS)]);
    const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
    this.options.transcript.lifecycle(
      'exit',
      this.closing ? `exited (${how}) on close` : `exited on its own (${how})`,
      { exit },
    );
    if (this.closing) return;
    this.options.onExit(exit);
    this.notifyClose();
  }

  private notifyClose(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.onclose?.();
  }
}
