/**
 * Drives a client through an in-process adapter (`--module ./adapter.ts`): a JS or TS module (see
 * adapter-import.ts for how TypeScript loads) whose default export builds the client's tools for
 * one scenario:
 *
 * ```ts
 * import type { AdapterFactory } from 'agent-auth-conformance';
 * const adapter: AdapterFactory = async ({ fetch, issuer, tmpDir }) => {
 *   const client = new MyAgentAuthClient({ issuer, storageDir: tmpDir, fetch });
 *   return {
 *     tools: {
 *       connect_agent: (args) => client.connect(args),
 *       execute_capability: (args, { signal }) => client.execute(args, { signal }),
 *     },
 *     close: () => client.dispose(),
 *   };
 * };
 * export default adapter;
 * ```
 *
 * A tool's resolved value is its result (a string is the text, anything else is serialized as
 * JSON); a thrown error is a tool error (`is_error`) carrying the error's name, message and own
 * fields. A tool that overruns its deadline is abandoned: its promise is left to settle unobserved
 * and its `signal` fires so it can stop. `ctx.fetch` is the global fetch tied to the session: every
 * request still in flight is aborted when the session closes.
 *
 * Limits: the module is imported once per driver, so state kept at module level is shared by all
 * scenarios (keep it in what the factory returns); an adapter runs in the harness's process, so a
 * synchronous infinite loop cannot be interrupted and a rejection it leaves unhandled elsewhere is
 * the harness's.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importAdapter } from './adapter-import.ts';
import { capText, MAX_ENTRY_BYTES } from './caps.ts';
import { beginCall } from './call-record.ts';
import { FailureBus, race } from './deadline.ts';
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
import type { ToolCallRecord, ToolInfo } from '../../model/index.ts';
import { resultFromError, resultFromValue } from './result.ts';
import { Transcript } from './transcript.ts';

export interface AdapterContext {
  /** The global fetch, aborted when the session closes. */
  fetch: typeof fetch;
  /** A fresh, empty directory for this scenario's client state. */
  tmpDir: string;
  /** Issuer URL of the simulated server. */
  issuer: string;
  scenarioId: string;
  /** Writes a line to the transcript, like a process's stderr. */
  log: (line: string) => void;
}

export type AdapterTool = (args: Record<string, unknown>, extra: { signal: AbortSignal }) => Promise<unknown>;

export interface Adapter {
  tools: Record<string, AdapterTool>;
  /** Optional descriptions and argument schemas, reported by `tools()`. */
  describe?: Record<string, { description?: string; inputSchema?: Record<string, unknown> }>;
  close?: () => Promise<void>;
}

export type AdapterFactory = (ctx: AdapterContext) => Promise<Adapter> | Adapter;

export interface ModuleDriverOptions {
  /** Path of the adapter module (relative paths resolve against the working directory). */
  module: string;
  callTimeoutMs?: number;
  /** How long an adapter's `close` may take before it is abandoned. */
  closeTimeoutMs?: number;
}

export class ModuleDriver implements ClientDriver {
  readonly kind = 'module' as const;

  private constructor(
    private readonly options: ModuleDriverOptions,
    private readonly factory: AdapterFactory,
  ) {}

  /** Imports the adapter module; a DriverConfigError says why it is unusable. */
  static async load(options: ModuleDriverOptions): Promise<ModuleDriver> {
    const url = pathToFileURL(resolve(options.module)).href;
    let loaded: { default?: unknown };
    try {
      loaded = await importAdapter(url);
    } catch (error) {
      throw new DriverConfigError(`cannot load the adapter module ${options.module}: ${(error as Error).message}`);
    }
    if (typeof loaded.default !== 'function') {
      throw new DriverConfigError(
        `the adapter module ${options.module} must export a factory function as default (it exports ${loaded.default === undefined ? 'no default' : typeof loaded.default})`,
      );
    }
    return new ModuleDriver(options, loaded.default as AdapterFactory);
  }

  describe(): string {
    return `in-process adapter ${this.options.module}`;
  }

  async start(options: StartOptions): Promise<ClientSession> {
    const session = new ModuleSession(this.options, options);
    await session.open(this.factory, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    return session;
  }
}

class ModuleSession implements ClientSession {
  readonly scenarioId: string;
  readonly transcript = new Transcript();
  private readonly failures = new FailureBus();
  /** Aborted at close: ends the adapter's fetches and tells its tools to stop. */
  private readonly lifetime = new AbortController();
  private readonly context: AdapterContext;
  private adapter: Adapter | undefined;
  private closing: Promise<void> | undefined;
  private calls = 0;

  constructor(
    private readonly options: ModuleDriverOptions,
    start: StartOptions,
  ) {
    this.scenarioId = start.scenarioId;
    const lifetime = this.lifetime.signal;
    this.context = {
      fetch: (input, init) =>
        fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, lifetime]) : lifetime }),
      tmpDir: start.tmpDir,
      issuer: start.issuer,
      scenarioId: start.scenarioId,
      log: (line) => this.transcript.stderr(String(line)),
    };
  }

  async open(factory: AdapterFactory, startTimeoutMs: number): Promise<void> {
    this.transcript.lifecycle('start', `scenario ${this.scenarioId}: ${this.options.module}`);
    const pending = Promise.resolve().then(() => factory(this.context));
    const built = await race(() => pending, { timeoutMs: startTimeoutMs, what: 'the adapter factory did not resolve' });
    if (built.ok && isAdapter(built.value)) {
      this.adapter = built.value;
      this.transcript.lifecycle('ready', `tools: ${Object.keys(built.value.tools).join(', ') || '(none)'}`);
      return;
    }
    let kind: StartErrorKind;
    let message: string;
    if (built.ok) {
      kind = 'driver';
      message =
        'the adapter factory must resolve to { tools: { name: async (args) => result, … }, close?: async () => void }';
    } else if ('error' in built) {
      kind = 'timeout';
      message = built.error.message;
      // Should the factory still finish, close what it built.
      pending.then((late) => (isAdapter(late) ? late.close?.() : undefined)).catch(() => undefined);
    } else {
      kind = 'crashed';
      message = `the adapter factory threw: ${describeThrown(built.thrown)}`;
    }
    this.transcript.lifecycle('start-failed', message);
    await this.close();
    throw new DriverStartError(kind, `the client could not be started: ${message}`, this.transcript.snapshot());
  }

  async tools(): Promise<ToolInfo[]> {
    const adapter = this.adapter;
    if (adapter === undefined) return [];
    return Object.keys(adapter.tools).map((name) => {
      const described = adapter.describe?.[name];
      const info: ToolInfo = { name, inputSchema: described?.inputSchema ?? { type: 'object' } };
      if (described?.description !== undefined) info.description = described.description;
      return info;
    });
  }

  async call(tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<ToolCallRecord> {
    const finish = beginCall(this.transcript, ++this.calls, tool, args);
    if (this.closing !== undefined || this.adapter === undefined)
      return finish(undefined, { kind: 'driver', message: 'the session is closed' });
    const fn = Object.hasOwn(this.adapter.tools, tool) ? this.adapter.tools[tool] : undefined;
    if (typeof fn !== 'function') {
      const names = Object.keys(this.adapter.tools).join(', ') || 'none';
      return finish(undefined, {
        kind: 'not-exposed',
        message: `the adapter has no tool ${JSON.stringify(tool)} (it has: ${names})`,
      });
    }
    const outcome = await race(
      // A copy, so an adapter mutating its arguments cannot change what the record shows.
      async (signal) => fn(copy(args), { signal: AbortSignal.any([signal, this.lifetime.signal]) }),
      {
        timeoutMs: options.timeoutMs ?? this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
        failures: this.failures,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    if (outcome.ok) return finish(resultFromValue(outcome.value, false), undefined);
    if ('error' in outcome) return finish(undefined, outcome.error);
    return finish(resultFromError(outcome.thrown), undefined);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.transcript.lifecycle('close', 'closing the session');
    this.failures.fail({ kind: 'driver', message: 'the session was closed during the call' });
    this.lifetime.abort(new Error('the session was closed'));
    const close = this.adapter?.close;
    if (typeof close === 'function') {
      const closed = await race(async () => close.call(this.adapter), {
        timeoutMs: this.options.closeTimeoutMs ?? DEFAULT_KILL_GRACE_MS,
        what: 'the adapter did not close',
      });
      if (!closed.ok)
        this.transcript.protocol(
          'error' in closed ? closed.error.message : `the adapter's close threw: ${describeThrown(closed.thrown)}`,
        );
    }
    this.transcript.lifecycle('closed', 'session closed');
  }
}

function isAdapter(value: unknown): value is Adapter {
  if (typeof value !== 'object' || value === null) return false;
  const { tools, close } = value as { tools?: unknown; close?: unknown };
  if (typeof tools !== 'object' || tools === null) return false;
  return (
    Object.values(tools).every((tool) => typeof tool === 'function') &&
    (close === undefined || typeof close === 'function')
  );
}

function copy(args: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(args);
  } catch {
    return { ...args };
  }
}

function describeThrown(thrown: unknown): string {
  return capText(thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown), MAX_ENTRY_BYTES).text;
}
