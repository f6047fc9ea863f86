import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ErrorCode,
  McpError,
  ProgressNotificationSchema,
  type JSONRPCMessage,
  type ProgressNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { packageInfo } from '../../package-files.ts';
import { capJson, capText, headBytes, MAX_ENTRY_BYTES } from './caps.ts';
import { cappedFetch, ResponseTooLarge } from './capped-fetch.ts';
import { beginCall } from './call-record.ts';
import { FailureBus, race, sleep } from './deadline.ts';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_START_TIMEOUT_MS,
  DriverConfigError,
  DriverStartError,
  type CallOptions,
  type ClientDriver,
  type ClientSession,
  type StartErrorKind,
  type StartOptions,
} from './driver.ts';
import { ObservedTransport } from './observed-transport.ts';
import { splitCommandLine, substituteAll, substituteEnv, type PlaceholderValues } from './placeholders.ts';
import type { CallError, ExitInfo, ToolCallRecord, ToolInfo } from '../../model/index.ts';
import { resultFromMcp } from './result.ts';
import { ChildProcessTransport, MAX_MESSAGE_BYTES, ProtocolViolation, SpawnError } from './stdio-transport.ts';
import { Transcript } from './transcript.ts';

/**
 * Drives a client that is an MCP server, through the SDK's Client:
 *
 * - **stdio** (`--command "<cmd>"`): a fresh process per scenario, started WITHOUT a shell (the
 *   command line is split quote-aware, see placeholders.ts) in its own process group, with
 *   `{issuer}`, `{tmp}` and `{scenario}` substituted in its arguments, in `--env NAME=value` values
 *   and in the working directory. It inherits the harness's environment: isolate its state with
 *   e.g. `--env HOME={tmp}`. Its stdout must carry JSON-RPC only; any other line is a protocol
 *   violation that fails the calls in flight at once.
 * - **Streamable HTTP** (`--url <endpoint>`): an already running server. Nothing is started, so
 *   placeholders do not apply and its state is NOT fresh per scenario; each scenario gets its own
 *   MCP session, which is terminated (DELETE) on close.
 *
 * Every notification and request the client sends lands in the transcript; tools are listed when
 * the session starts and again after a `tools/list_changed` notification.
 */

export type McpTarget =
  | { transport: 'stdio'; command: string; env?: Record<string, string>; cwd?: string }
  | { transport: 'http'; url: string; headers?: Record<string, string> };

export interface McpDriverOptions {
  target: McpTarget;
  /** Default per-call deadline. */
  callTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when a stdio client is stopped. */
  killGraceMs?: number;
}

const MAX_TOOL_PAGES = 50;
const MAX_TOOLS = 1000;
/** A DELETE ending an HTTP session gets this long before the session is dropped anyway. */
const TERMINATE_SESSION_MS = 1000;

/** Accepts any tools/call result: it is checked afterwards, so a malformed one is still recorded. */
const AnyResult = z.unknown();

export class McpDriver implements ClientDriver {
  readonly kind = 'mcp' as const;
  private readonly argv: string[] | undefined;

  constructor(private readonly options: McpDriverOptions) {
    const { target } = options;
    if (target.transport === 'stdio') {
      this.argv = splitCommandLine(target.command);
    } else {
      let url: URL;
      try {
        url = new URL(target.url);
      } catch {
        throw new DriverConfigError(`--url ${JSON.stringify(target.url)} is not an absolute URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new DriverConfigError(`--url must be http(s), not ${url.protocol}`);
    }
  }

  describe(): string {
    const { target } = this.options;
    return target.transport === 'stdio'
      ? `MCP over stdio: ${target.command}`
      : `MCP over Streamable HTTP: ${target.url}`;
  }

  async start(options: StartOptions): Promise<ClientSession> {
    const session = new McpSession(this.options, this.argv, options);
    await session.open(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    return session;
  }
}

class McpSession implements ClientSession {
  readonly scenarioId: string;
  readonly transcript = new Transcript();
  private readonly failures = new FailureBus();
  private readonly client: Client;
  private readonly transport: ObservedTransport;
  private readonly stdio: ChildProcessTransport | undefined;
  private readonly callTimeoutMs: number;
  private exit: ExitInfo | undefined;
  private closing: Promise<void> | undefined;
  private toolList: ToolInfo[] = [];
  private toolsStale = false;
  private readonly progressTokens = new Set<string>();
  private calls = 0;

  constructor(
    private readonly options: McpDriverOptions,
    argv: string[] | undefined,
    start: StartOptions,
  ) {
    this.scenarioId = start.scenarioId;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const values: PlaceholderValues = { issuer: start.issuer, tmp: start.tmpDir, scenario: start.scenarioId };
    const { target } = options;
    let inner: ChildProcessTransport | StreamableHTTPClientTransport;
    if (target.transport === 'stdio') {
      this.stdio = new ChildProcessTransport({
        argv: substituteAll(values, argv ?? []),
        env: { ...process.env, ...substituteEnv(target.env ?? {}, values) },
        ...(target.cwd === undefined ? {} : { cwd: substituteAll(values, [target.cwd])[0]! }),
        transcript: this.transcript,
        graceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        onExit: (exit) => this.onExit(exit),
      });
      inner = this.stdio;
    } else {
      inner = new StreamableHTTPClientTransport(new URL(target.url), {
        fetch: cappedFetch(MAX_MESSAGE_BYTES),
        ...(target.headers ? { requestInit: { headers: target.headers } } : {}),
      });
    }
    this.transport = new ObservedTransport(inner, (message) => this.observe(message));
    this.client = new Client({ name: packageInfo.name, version: packageInfo.version }, { capabilities: {} });
    this.client.onerror = (error) => this.onError(error);
    // Replaces the SDK's own progress routing, which dispatches asynchronously and so calls progress
    // that arrives together with its answer "unknown"; the transcript already holds every notification.
    this.client.setNotificationHandler(ProgressNotificationSchema, (notification) => this.onProgress(notification));
  }

  async open(startTimeoutMs: number): Promise<void> {
    const { target } = this.options;
    this.transcript.lifecycle(
      'start',
      `scenario ${this.scenarioId}: ${target.transport === 'stdio' ? target.command : target.url}`,
    );
    const ready = await race(
      async (signal) => {
        await this.client.connect(this.transport, { signal, timeout: backstop(startTimeoutMs) });
        this.toolList = await this.listTools(signal, startTimeoutMs);
      },
      {
        timeoutMs: startTimeoutMs,
        failures: this.failures,
        what: 'the client was not ready (initialize and tools/list)',
      },
    );
    if (ready.ok) {
      const server = this.client.getServerVersion();
      const names = this.toolList.map((tool) => tool.name).join(', ');
      this.transcript.lifecycle(
        'ready',
        `${server?.name ?? '?'} ${server?.version ?? '?'}; tools: ${names || '(none)'}`,
      );
      return;
    }
    const error = 'error' in ready ? this.withStderr(ready.error) : this.classify(ready.thrown);
    const message = error.stderr_tail ? `${error.message}; stderr ends with:\n${error.stderr_tail}` : error.message;
    this.transcript.lifecycle('start-failed', message);
    await this.close();
    throw new DriverStartError(
      startErrorKind(error),
      `the client could not be started: ${message}`,
      this.transcript.snapshot(),
    );
  }

  async tools(): Promise<ToolInfo[]> {
    if (this.toolsStale && this.closing === undefined && this.exit === undefined) {
      this.toolsStale = false;
      const listed = await race((signal) => this.listTools(signal, this.callTimeoutMs), {
        timeoutMs: this.callTimeoutMs,
        failures: this.failures,
        what: 'no tools/list answer',
      });
      if (listed.ok) this.toolList = listed.value;
      else
        this.transcript.protocol(
          `refreshing the tool list failed: ${('error' in listed ? listed.error : this.classify(listed.thrown)).message}`,
        );
    }
    return this.toolList.map((tool) => ({ ...tool }));
  }

  async call(tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<ToolCallRecord> {
    const seq = ++this.calls;
    const finish = beginCall(this.transcript, seq, tool, args);
    if (this.closing !== undefined) return finish(undefined, { kind: 'driver', message: 'the session is closed' });
    if (this.exit !== undefined) return finish(undefined, this.crashError());
    const exposed = await this.tools();
    if (!exposed.some((candidate) => candidate.name === tool)) {
      const names = exposed.map((candidate) => candidate.name).join(', ') || 'none';
      return finish(undefined, {
        kind: 'not-exposed',
        message: `the client exposes no tool named ${JSON.stringify(tool)} (it exposes: ${names})`,
      });
    }
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    const progressToken = `call-${seq}`;
    this.progressTokens.add(progressToken);
    const answered = await race(
      (signal) =>
        this.client.request(
          // Asks for progress notifications; the transcript records them as they arrive.
          { method: 'tools/call', params: { name: tool, arguments: args, _meta: { progressToken } } },
          AnyResult,
          { signal, timeout: backstop(timeoutMs) },
        ),
      { timeoutMs, failures: this.failures, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (answered.ok) {
      const { result, problem } = resultFromMcp(answered.value);
      return finish(result, problem === undefined ? undefined : { kind: 'protocol', message: problem });
    }
    return finish(undefined, 'error' in answered ? this.withStderr(answered.error) : this.classify(answered.thrown));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.transcript.lifecycle('close', 'closing the session');
    this.failures.fail({ kind: 'driver', message: 'the session was closed during the call' });
    const http = this.transport.inner;
    if (http instanceof StreamableHTTPClientTransport && http.sessionId !== undefined) {
      await Promise.race([http.terminateSession().catch(() => undefined), sleep(TERMINATE_SESSION_MS)]);
    }
    await this.client.close().catch(() => undefined);
    // The SDK forgets a transport that closed on its own (a crash), so stop the process group directly too.
    await this.stdio?.close().catch(() => undefined);
    this.transcript.lifecycle('closed', 'session closed');
  }

  private async listTools(signal: AbortSignal, timeoutMs: number): Promise<ToolInfo[]> {
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES && tools.length < MAX_TOOLS; page++) {
      const listed = await this.client.listTools(cursor === undefined ? {} : { cursor }, {
        signal,
        timeout: backstop(timeoutMs),
      });
      tools.push(...listed.tools.slice(0, MAX_TOOLS - tools.length).map(toolInfo));
      cursor = listed.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  }

  private observe(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    const params = 'params' in message ? message.params : undefined;
    if ('id' in message) {
      this.transcript.notification(message.method, params, 'request');
      return;
    }
    this.transcript.notification(message.method, params);
    if (message.method === 'notifications/tools/list_changed') this.toolsStale = true;
  }

  private onError(error: Error): void {
    // Teardown aborts streams and requests on purpose; that is not the client's doing.
    if (this.closing !== undefined) return;
    if (error instanceof ProtocolViolation) {
      this.transcript.protocol(error.message, error.line);
      const line = error.line === undefined ? '' : `: ${JSON.stringify(headBytes(error.line, 200))}`;
      this.failures.fail({ kind: 'protocol', message: `${error.message}${line}` });
      return;
    }
    this.transcript.protocol(error.message);
  }

  private onProgress(notification: ProgressNotification): void {
    const token = String(notification.params.progressToken);
    if (!this.progressTokens.has(token))
      this.transcript.protocol(
        `a progress notification names a token the harness never issued: ${JSON.stringify(token)}`,
      );
  }

  private onExit(exit: ExitInfo): void {
    this.exit = exit;
    this.failures.fail(this.crashError());
  }

  private crashError(): CallError {
    const exit = this.exit ?? { code: null, signal: null };
    const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return this.withStderr({ kind: 'crashed', message: `the client process ${how}`, exit });
  }

  /** Adds the end of stderr to errors where it usually explains what happened. */
  private withStderr(error: CallError): CallError {
    if (error.kind !== 'crashed' && error.kind !== 'timeout' && error.kind !== 'protocol') return error;
    const tail = this.transcript.stderrTail();
    return tail === '' || error.stderr_tail !== undefined ? error : { ...error, stderr_tail: tail };
  }

  /** What a rejection from the SDK means for the call. */
  private classify(thrown: unknown): CallError {
    if (thrown instanceof SpawnError) return { kind: 'driver', message: thrown.message };
    if (this.exit !== undefined) return this.crashError();
    if (thrown instanceof McpError) {
      if (thrown.code === ErrorCode.ConnectionClosed)
        return this.withStderr({ kind: 'crashed', message: 'the connection to the client closed' });
      if (thrown.code === ErrorCode.RequestTimeout)
        return this.withStderr({ kind: 'timeout', message: thrown.message });
      const error: CallError = {
        kind: 'rpc-error',
        message: capText(thrown.message, MAX_ENTRY_BYTES).text,
        code: thrown.code,
      };
      const data = capJson(thrown.data, MAX_ENTRY_BYTES).value;
      if (data !== undefined) error.data = data;
      return error;
    }
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (thrown instanceof StreamableHTTPError || thrown instanceof ResponseTooLarge)
      return { kind: 'protocol', message };
    const code = networkCode(thrown);
    if (code !== undefined) return { kind: 'crashed', message: `the client's endpoint is unreachable (${code})` };
    if (thrown instanceof SyntaxError)
      return { kind: 'protocol', message: `the client answered with invalid JSON: ${message}` };
    return this.withStderr({ kind: 'protocol', message: capText(message, MAX_ENTRY_BYTES).text });
  }
}

function toolInfo(tool: Tool): ToolInfo {
  const info: ToolInfo = { name: tool.name, inputSchema: capJson(tool.inputSchema).value as Record<string, unknown> };
  if (tool.title !== undefined) info.title = capText(tool.title, MAX_ENTRY_BYTES).text;
  if (tool.description !== undefined) info.description = capText(tool.description, MAX_ENTRY_BYTES).text;
  if (tool.outputSchema !== undefined) info.outputSchema = capJson(tool.outputSchema).value as Record<string, unknown>;
  return info;
}

/** The SDK's own request timeout, set past ours so ours always decides. */
function backstop(timeoutMs: number): number {
  return timeoutMs * 2 + 1000;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The system error code of a failed fetch, when it failed for want of a connection. */
function networkCode(thrown: unknown): string | undefined {
  for (let error = thrown, depth = 0; error instanceof Error && depth < 4; error = error.cause, depth++) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

function startErrorKind(error: CallError): StartErrorKind {
  return error.kind === 'timeout' || error.kind === 'crashed' || error.kind === 'driver' ? error.kind : 'protocol';
}
