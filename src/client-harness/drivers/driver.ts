import type { CallErrorKind, ToolCallRecord, ToolInfo } from '../../model/index.ts';
import type { TranscriptSnapshot } from '../../model/index.ts';
import type { Transcript } from './transcript.ts';

/**
 * The common face of every way of driving an Agent Auth client under test (§6 client tools): an
 * MCP server over stdio or Streamable HTTP, per-tool commands, or an in-process adapter module.
 * The client suite plays the server (the simulator) and, for each scenario, starts a fresh client
 * instance, calls its tools and judges what reached the simulator and what the tools answered.
 *
 * Nothing a client does makes a driver throw once the session is started: a call always resolves
 * to a ToolCallRecord, whose `error` says what went wrong.
 */

export type DriverKind = 'mcp' | 'command' | 'module';

export const DEFAULT_START_TIMEOUT_MS = 15_000;
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** Time a process group gets between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 1000;

export interface StartOptions {
  /** Issuer URL of the simulated server the client is to talk to (`{issuer}` in templates). */
  issuer: string;
  /** A fresh, empty directory for this scenario's client state (`{tmp}`); the caller creates and removes it. */
  tmpDir: string;
  /** The scenario this session serves, named in the transcript. */
  scenarioId: string;
  /** Deadline for the client to become ready (spawn, MCP initialize, tool listing); default 15 s. */
  startTimeoutMs?: number;
}

export interface CallOptions {
  /** Deadline for the answer; default is the driver's call timeout (10 s unless configured). */
  timeoutMs?: number;
  /** Aborting it ends the call with an `aborted` error (and cancels it at the client where possible). */
  signal?: AbortSignal;
}

export interface ClientDriver {
  readonly kind: DriverKind;
  /** One line naming the client under test, for reports. */
  describe(): string;
  /**
   * Starts a fresh client instance for one scenario. Rejects with a DriverStartError (never any
   * other error) when the client cannot be started; everything it started is stopped by then.
   */
  start(options: StartOptions): Promise<ClientSession>;
}

export interface ClientSession {
  readonly scenarioId: string;
  /** Everything observed in this session, in order. */
  readonly transcript: Transcript;
  /** The tools the client exposes now. Never rejects: a failed refresh keeps the last known list. */
  tools(): Promise<ToolInfo[]>;
  /** Calls one tool. Never rejects for client misbehaviour: see the record's `error`. */
  call(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<ToolCallRecord>;
  /** Stops the client, its whole process tree included (SIGTERM, then SIGKILL after a grace). Idempotent. */
  close(): Promise<void>;
}

export type StartErrorKind = Extract<CallErrorKind, 'timeout' | 'crashed' | 'protocol' | 'driver'>;

/** Why a client could not be started, with what was observed up to then. */
export class DriverStartError extends Error {
  override name = 'DriverStartError';

  constructor(
    readonly kind: StartErrorKind,
    message: string,
    readonly transcript: TranscriptSnapshot,
  ) {
    super(message);
  }
}

/** The configuration given to a driver is unusable (bad file, bad option); raised before any scenario runs. */
export class DriverConfigError extends Error {
  override name = 'DriverConfigError';
}
