import { Command, CommanderError } from 'commander';
import { packageInfo } from '../package-files.ts';
import { COMMAND_DESCRIPTIONS, type CommandName } from './descriptions.ts';

/**
 * Each command's module, imported only when that command runs: the suites, the simulator and the MCP
 * SDK together take a good part of a second to load, which `--help`, `--version` and a mistyped
 * command should not pay for.
 */
const COMMAND_MODULES: Record<CommandName, () => Promise<(program: Command) => void>> = {
  schemas: async () => (await import('./schemas.ts')).registerSchemasCommand,
  simulate: async () => (await import('./simulate.ts')).registerSimulateCommand,
  server: async () => (await import('./server.ts')).registerServerCommand,
  client: async () => (await import('./client.ts')).registerClientCommand,
  list: async () => (await import('./list.ts')).registerListCommand,
  'reference-client': async () => (await import('./reference-client.ts')).registerReferenceClientCommand,
};

function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMAND_DESCRIPTIONS, name);
}

/** The command argv names (`help <command>` names it second), if it is one of ours. */
function requestedCommand(args: readonly string[]): CommandName | undefined {
  const first = args.find((arg) => !arg.startsWith('-'));
  const named = first === 'help' ? args[args.indexOf(first) + 1] : first;
  return isCommandName(named) ? named : undefined;
}

// Commander's parse errors (unknown option, unknown fault, bad port) throw instead of exiting 1, so
// that every command reports them as the usage errors they are: exit 2. Commands registered below
// inherit this; `server` adds its own handler, which also writes the usage-error report.
const program = new Command()
  .name('agent-auth-conformance')
  .description('Conformance suite and protocol simulator for the Agent Auth Protocol v1.0-draft')
  .version(packageInfo.version)
  .exitOverride();

// The requested command is registered in full; the others only by name and description, enough for
// the command list in --help and for commander's "unknown command, did you mean" answer.
const requested = requestedCommand(process.argv.slice(2));
for (const name of Object.keys(COMMAND_DESCRIPTIONS) as CommandName[]) {
  if (name === requested) (await COMMAND_MODULES[name]())(program);
  else program.command(name).description(COMMAND_DESCRIPTIONS[name]);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message already; --help and --version end here with 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    // Bad input is answered by each command (exit 2); anything reaching here is a defect of the tool:
    // one line saying so, the stack only when asked for, and exit 3 as the README promises.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`internal error of agent-auth-conformance (a bug to report): ${message}\n`);
    if (process.env['AAC_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 3;
  }
}
