import { CommandDriver, loadCommandConfig } from './command.ts';
import { DriverConfigError, type ClientDriver, type DriverKind } from './driver.ts';
import { McpDriver } from './mcp.ts';
import { ModuleDriver } from './module.ts';
import { parseEnvAssignments } from './placeholders.ts';
import { mapDriver, type ToolMapping } from './tool-mapping.ts';

/**
 * The client drivers, and one factory building the right one from CLI-like options:
 *
 * - `{ driver: 'mcp', command: '<cmd>', env?: ['NAME=value'], cwd? }` — MCP over stdio
 * - `{ driver: 'mcp', url: '<endpoint>', headers? }` — MCP over Streamable HTTP
 * - `{ driver: 'command', config: 'tools.json' }` — one command per tool call
 * - `{ driver: 'module', module: './adapter.ts' }` — an in-process adapter
 *
 * A `mapping` (see tool-mapping.ts) makes every session speak spec names.
 */

export * from './driver.ts';
export { Transcript, TRANSCRIPT_LIMITS } from './transcript.ts';
export { McpDriver, type McpDriverOptions, type McpTarget } from './mcp.ts';
export {
  CommandDriver,
  CommandConfigSchema,
  loadCommandConfig,
  parseCommandConfig,
  type CommandConfig,
  type CommandDriverOptions,
} from './command.ts';
export {
  ModuleDriver,
  type Adapter,
  type AdapterContext,
  type AdapterFactory,
  type AdapterTool,
  type ModuleDriverOptions,
} from './module.ts';
export {
  mapDriver,
  mapSession,
  parseToolMapping,
  MappingWorkaroundSchema,
  ToolMappingSchema,
  type MappedSession,
  type MappingWorkaround,
  type ToolMapping,
} from './tool-mapping.ts';
export { processAlive } from './process-group.ts';

export interface DriverOptions {
  driver: DriverKind;
  /** mcp over stdio: the command line (split without a shell; `{issuer}`, `{tmp}`, `{scenario}`). */
  command?: string;
  /** mcp over Streamable HTTP: the endpoint of a running client. */
  url?: string;
  /** mcp over stdio: extra environment, as repeated `NAME=value` or an object; values take placeholders. */
  env?: readonly string[] | Record<string, string>;
  /** mcp over stdio: working directory (takes placeholders). */
  cwd?: string;
  /** mcp over Streamable HTTP: headers sent with every request (e.g. the client's own authentication). */
  headers?: Record<string, string>;
  /** command: path of the tools.json config. */
  config?: string;
  /** module: path of the adapter module. */
  module?: string;
  /** Default per-call deadline. */
  callTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when a client process is stopped. */
  killGraceMs?: number;
  /** Declared tool mappings applied to every session. */
  mapping?: ToolMapping;
}

/** Builds the driver the options describe; a DriverConfigError says what does not fit. */
export async function createDriver(options: DriverOptions): Promise<ClientDriver> {
  const driver = await buildDriver(options);
  return options.mapping === undefined ? driver : mapDriver(driver, options.mapping);
}

const OPTIONS_OF: Record<DriverKind, readonly (keyof DriverOptions)[]> = {
  mcp: ['command', 'url', 'env', 'cwd', 'headers'],
  command: ['config'],
  module: ['module'],
};
const SPECIFIC: readonly (keyof DriverOptions)[] = ['command', 'url', 'env', 'cwd', 'headers', 'config', 'module'];

async function buildDriver(options: DriverOptions): Promise<ClientDriver> {
  const allowed = OPTIONS_OF[options.driver];
  if (allowed === undefined)
    throw new DriverConfigError(`unknown driver ${JSON.stringify(options.driver)} (use mcp, command or module)`);
  const misplaced = SPECIFIC.filter((name) => options[name] !== undefined && !allowed.includes(name));
  if (misplaced.length > 0)
    throw new DriverConfigError(`--${misplaced.join(', --')} does not apply to the ${options.driver} driver`);
  const timing = {
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
    ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
  };
  switch (options.driver) {
    case 'mcp': {
      if ((options.command === undefined) === (options.url === undefined))
        throw new DriverConfigError('the mcp driver needs exactly one of --command and --url');
      if (options.url !== undefined) {
        if (options.env !== undefined || options.cwd !== undefined)
          throw new DriverConfigError('--env and --cwd apply to --command only');
        return new McpDriver({
          target: { transport: 'http', url: options.url, ...(options.headers ? { headers: options.headers } : {}) },
          ...timing,
        });
      }
      if (options.headers !== undefined) throw new DriverConfigError('--header applies to --url only');
      const env = Array.isArray(options.env)
        ? parseEnvAssignments(options.env)
        : { ...(options.env as Record<string, string> | undefined) };
      return new McpDriver({
        target: { transport: 'stdio', command: options.command!, env, ...(options.cwd ? { cwd: options.cwd } : {}) },
        ...timing,
      });
    }
    case 'command':
      if (options.config === undefined) throw new DriverConfigError('the command driver needs --config tools.json');
      return new CommandDriver({ config: await loadCommandConfig(options.config), ...timing });
    case 'module':
      if (options.module === undefined) throw new DriverConfigError('the module driver needs --module ./adapter.ts');
      return ModuleDriver.load({
        module: options.module,
        ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
      });
  }
}
