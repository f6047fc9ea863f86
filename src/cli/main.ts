import { Command, CommanderError } from 'commander';
import { packageInfo } from '../package-files.ts';
import { registerClientCommand } from './client.ts';
import { registerListCommand } from './list.ts';
import { registerReferenceClientCommand } from './reference-client.ts';
import { registerSchemasCommand } from './schemas.ts';
import { registerServerCommand } from './server.ts';
import { registerSimulateCommand } from './simulate.ts';

// Commander's parse errors (unknown option, unknown fault, bad port) throw instead of exiting 1, so
// that every command reports them as the usage errors they are: exit 2. Commands registered below
// inherit this; `server` adds its own handler, which also writes the usage-error report.
const program = new Command()
  .name('agent-auth-conformance')
  .description('Conformance suite and protocol simulator for the Agent Auth Protocol v1.0-draft')
  .version(packageInfo.version)
  .exitOverride();

registerSchemasCommand(program);
registerSimulateCommand(program);
registerServerCommand(program);
registerClientCommand(program);
registerListCommand(program);
registerReferenceClientCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Commander has printed the message already; --help and --version end here with 0.
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
