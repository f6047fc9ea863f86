import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerClientCommand } from './client.ts';
import { registerReferenceClientCommand } from './reference-client.ts';
import { registerSchemasCommand } from './schemas.ts';
import { registerServerCommand } from './server.ts';
import { registerSimulateCommand } from './simulate.ts';

const program = new Command()
  .name('agent-auth-conformance')
  .description('Conformance suite and protocol simulator for the Agent Auth Protocol v1.0-draft')
  .version(packageJson.version);

registerSchemasCommand(program);
registerSimulateCommand(program);
registerServerCommand(program);
registerClientCommand(program);
registerReferenceClientCommand(program);

await program.parseAsync(process.argv);
