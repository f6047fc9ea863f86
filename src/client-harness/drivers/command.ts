/**
 * Drives a client that is a CLI: one command per tool call (`--config tools.json`).
 *
 * Config format (validated with CommandConfigSchema):
 *
 * ```json
 * {
 *   "env": { "HOME": "{tmp}", "AGENT_AUTH_ISSUER": "{issuer}" },
 *   "cwd": "{tmp}",
 *   "timeoutMs": 10000,
 *   "tools": {
 *     "connect_agent": {
 *       "command": ["agent-auth", "connect", "--issuer", "{issuer}", "--aud={arg:audience}", "--json", "{args}"],
 *       "description": "Connect an agent",
 *       "inputSchema": { "type": "object", "properties": { "audience": { "type": "string" } } },
 *       "stdin": "json",
 *       "env": { "AGENT_AUTH_LOG": "debug" }
 *     }
 *   }
 * }
 * ```
 *
 * - `command` is an argv array, run WITHOUT a shell in its own process group. Placeholders inside
 *   its elements: `{issuer}`, `{tmp}`, `{scenario}`, `{args}` (all arguments as one JSON object)
 *   and `{arg:NAME}` (one argument: a string as is, anything else as JSON). An element naming an
 *   argument the call does not have is left out entirely, flag and all (`--aud={arg:audience}`).
 *   Substitution is one pass, so an argument value containing `{tmp}` stays literal.
 * - The arguments are also written to stdin as one JSON object and a newline (`"stdin": "none"`
 *   closes stdin at once instead).
 * - `env` (top level, then per tool) is added to the harness's environment and `cwd` sets the
 *   working directory; both take the `{issuer}`, `{tmp}` and `{scenario}` placeholders.
 * - The command prints the tool's result as JSON on stdout (at most 1 MiB). Exit 0 with JSON is a
 *   result; a non-zero exit is a tool error (`is_error`), whose `text` is stdout, or the end of
 *   stderr when stdout is empty; exit 0 with stdout that is not JSON is a tool error flagged with
 *   a `protocol` error. Death by a signal is `crashed`; overrunning the deadline kills the group.
 * - Everything a command writes to stderr goes to the session transcript. Processes a command
 *   leaves behind in its group are killed when the session closes.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { issuesInOneLine } from '../../harness/input-issues.ts';
import { MAX_ENTRY_BYTES } from './caps.ts';
import { beginCall } from './call-record.ts';
import { FailureBus, race, sleep } from './deadline.ts';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  DriverConfigError,
  type CallOptions,
  type ClientDriver,
  type ClientSession,
  type StartOptions,
} from './driver.ts';
import { pipeLines } from './lines.ts';
import { substitute, substituteEnv, type PlaceholderValues } from './placeholders.ts';
import { groupAlive, spawnGroup, terminateGroup, type ProcessGroup } from './process-group.ts';
import type { CallError, ExitInfo, ToolCallRecord, ToolInfo } from '../../model/index.ts';
import { resultFromOutput } from './result.ts';
import { Transcript } from './transcript.ts';

/** A command printing more than this on stdout is stopped. */
export const MAX_STDOUT_BYTES = 1024 * 1024;
/** After a command exits, the rest of its stdout gets this long to arrive. */
const DRAIN_MS = 100;
const STDERR_TAIL_BYTES = 2048;

const Env = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
  z.string(),
);

export const CommandToolSchema = z
  .object({
    command: z.array(z.string()).min(1, 'command needs at least the program to run'),
    description: z.string().optional(),
    inputSchema: z.record(z.string(), z.unknown()).optional(),
    stdin: z.enum(['json', 'none']).default('json'),
    env: Env.optional(),
  })
  .strict();

export const CommandConfigSchema = z
  .object({
    env: Env.optional(),
    cwd: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
    tools: z
      .record(z.string().min(1), CommandToolSchema)
      .refine((tools) => Object.keys(tools).length > 0, 'at least one tool is needed'),
  })
  .strict();
export type CommandConfig = z.infer<typeof CommandConfigSchema>;
export type CommandTool = z.infer<typeof CommandToolSchema>;

/** Reads and validates a command-driver config file; a DriverConfigError says what is wrong. */
export async function loadCommandConfig(path: string): Promise<CommandConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DriverConfigError(`cannot read the command-driver config ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DriverConfigError(`the command-driver config ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseCommandConfig(raw, path);
}

export function parseCommandConfig(raw: unknown, source = 'command-driver config'): CommandConfig {
  const parsed = CommandConfigSchema.safeParse(raw);
  if (!parsed.success) throw new DriverConfigError(`invalid ${source}: ${issuesInOneLine(parsed.error)}`);
  return parsed.data;
}

export interface CommandDriverOptions {
  config: CommandConfig;
  /** Default per-call deadline when the config sets none. */
  callTimeoutMs?: number;
  killGraceMs?: number;
}

export class CommandDriver implements ClientDriver {
  readonly kind = 'command' as const;

  constructor(private readonly options: CommandDriverOptions) {}

  describe(): string {
    return `commands: ${Object.keys(this.options.config.tools).join(', ')}`;
  }

  async start(options: StartOptions): Promise<ClientSession> {
    return new CommandSession(this.options, options);
  }
}

const TEMPLATE = /\{(issuer|tmp|scenario|args|arg:([^{}]+))\}/g;

/**
 * One argv element with its placeholders replaced, or undefined when it names an argument the call
 * lacks. One pass, so substituted values are never expanded again.
 */
export function expandElement(
  element: string,
  values: PlaceholderValues,
  args: Record<string, unknown>,
): string | undefined {
  let missing = false;
  const expanded = element.replace(TEMPLATE, (_match, name: string, argName: string | undefined) => {
    if (argName !== undefined) {
      const value = args[argName];
      if (value === undefined) {
        missing = true;
        return '';
      }
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (name === 'args') return JSON.stringify(args);
    return values[name as keyof PlaceholderValues];
  });
  return missing ? undefined : expanded;
}

interface Running {
  group: ProcessGroup;
  terminated?: Promise<void>;
}

class CommandSession implements ClientSession {
  readonly scenarioId: string;
  readonly transcript = new Transcript();
  private readonly failures = new FailureBus();
  private readonly values: PlaceholderValues;
  private readonly groups = new Set<Running>();
  private readonly graceMs: number;
  private closing: Promise<void> | undefined;
  private calls = 0;

  constructor(
    private readonly options: CommandDriverOptions,
    start: StartOptions,
  ) {
    this.scenarioId = start.scenarioId;
    this.values = { issuer: start.issuer, tmp: start.tmpDir, scenario: start.scenarioId };
    this.graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.transcript.lifecycle('start', `scenario ${this.scenarioId}: one command per tool call`);
    this.transcript.lifecycle('ready', `tools: ${Object.keys(options.config.tools).join(', ')}`);
  }

  async tools(): Promise<ToolInfo[]> {
    return Object.entries(this.options.config.tools).map(([name, tool]) => {
      const info: ToolInfo = { name, inputSchema: tool.inputSchema ?? { type: 'object' } };
      if (tool.description !== undefined) info.description = tool.description;
      return info;
    });
  }

  async call(tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<ToolCallRecord> {
    const finish = beginCall(this.transcript, ++this.calls, tool, args);
    if (this.closing !== undefined) return finish(undefined, { kind: 'driver', message: 'the session is closed' });
    const spec = this.options.config.tools[tool];
    if (spec === undefined) {
      const names = Object.keys(this.options.config.tools).join(', ');
      return finish(undefined, {
        kind: 'not-exposed',
        message: `the config defines no command for ${JSON.stringify(tool)} (it defines: ${names})`,
      });
    }
    const argv = spec.command.flatMap((element) => expandElement(element, this.values, args) ?? []);
    const { config } = this.options;
    const env = {
      ...process.env,
      ...substituteEnv(config.env ?? {}, this.values),
      ...substituteEnv(spec.env ?? {}, this.values),
    };
    let group: ProcessGroup;
    try {
      group = await spawnGroup(
        argv,
        config.cwd === undefined ? { env } : { env, cwd: substitute(config.cwd, this.values) },
      );
    } catch (error) {
      return finish(undefined, { kind: 'driver', message: (error as Error).message });
    }
    const running: Running = { group };
    this.groups.add(running);
    this.transcript.lifecycle('spawned', `${tool}: pid ${group.pid}: ${argv.join(' ')}`, { pid: group.pid });

    const output = this.collect(group, running);
    group.child.stdin.end(spec.stdin === 'json' ? `${JSON.stringify(args)}\n` : undefined);

    const timeoutMs = options.timeoutMs ?? config.timeoutMs ?? this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const outcome = await race(
      async () => {
        const exit = await group.exited;
        await Promise.race([output.ended, sleep(DRAIN_MS)]);
        return exit;
      },
      {
        timeoutMs,
        failures: this.failures,
        what: 'the command did not finish',
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    if (!outcome.ok) {
      await this.terminate(running);
      this.transcript.lifecycle(
        'exit',
        `${tool}: pid ${group.pid} stopped by the harness (${'error' in outcome ? outcome.error.kind : 'error'})`,
        group.exit ? { exit: group.exit } : {},
      );
      const error = 'error' in outcome ? outcome.error : { kind: 'driver' as const, message: String(outcome.thrown) };
      return finish(undefined, withTail(error, output.stderrTail()), group.exit);
    }
    const exit = outcome.value;
    // Nothing may outlive the call but what the command left running on purpose; that goes at close.
    if (!groupAlive(group.pid)) this.groups.delete(running);
    this.transcript.lifecycle('exit', `${tool}: pid ${group.pid} ${describeExit(exit)}`, { exit });
    if (output.overflowed()) {
      return finish(
        undefined,
        {
          kind: 'protocol',
          message: `the command printed more than ${MAX_STDOUT_BYTES} bytes on stdout and was stopped`,
        },
        exit,
      );
    }
    if (exit.signal !== null) {
      return finish(
        undefined,
        withTail({ kind: 'crashed', message: `the command was killed by ${exit.signal}`, exit }, output.stderrTail()),
        exit,
      );
    }
    const stdout = output.stdout();
    if (exit.code !== 0) {
      const text = stdout.trim() === '' ? output.stderrTail() : stdout;
      return finish(resultFromOutput(text, true), undefined, exit);
    }
    const result = resultFromOutput(stdout, false);
    if (result.json !== undefined) return finish(result, undefined, exit);
    const what = stdout.trim() === '' ? 'printed nothing' : 'printed something that is not JSON';
    return finish(
      { ...result, is_error: true },
      { kind: 'protocol', message: `the command exited 0 but ${what} on stdout` },
      exit,
    );
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.transcript.lifecycle('close', 'closing the session');
    this.failures.fail({ kind: 'driver', message: 'the session was closed during the call' });
    await Promise.all([...this.groups].map((running) => this.terminate(running)));
    this.groups.clear();
    this.transcript.lifecycle('closed', 'session closed');
  }

  private terminate(running: Running): Promise<void> {
    running.terminated ??= terminateGroup(running.group, { graceMs: this.graceMs }).then(() => {
      this.groups.delete(running);
    });
    return running.terminated;
  }

  /** Gathers stdout up to its cap (stopping the command past it) and feeds stderr to the transcript. */
  private collect(group: ProcessGroup, running: Running) {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let overflowed = false;
    const { stdout, stderr } = group.child;
    stdout.on('data', (chunk: Buffer) => {
      if (overflowed) return;
      bytes += chunk.length;
      if (bytes > MAX_STDOUT_BYTES) {
        overflowed = true;
        void this.terminate(running);
        return;
      }
      chunks.push(chunk);
    });
    const ended = new Promise<void>((resolve) => {
      stdout.once('end', resolve);
      stdout.once('close', resolve);
    });
    const tail: string[] = [];
    let tailBytes = 0;
    pipeLines(stderr, MAX_ENTRY_BYTES, (line, info) => {
      this.transcript.stderr(line, info.truncated ? info.bytes : undefined);
      tail.push(line);
      tailBytes += Buffer.byteLength(line) + 1;
      while (tailBytes > STDERR_TAIL_BYTES && tail.length > 1) tailBytes -= Buffer.byteLength(tail.shift()!) + 1;
    });
    return {
      ended,
      overflowed: () => overflowed,
      stdout: () => Buffer.concat(chunks).toString('utf8'),
      stderrTail: () => tail.join('\n'),
    };
  }
}

function withTail(error: CallError, tail: string): CallError {
  return tail === '' ? error : { ...error, stderr_tail: tail };
}

function describeExit(exit: ExitInfo): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}
