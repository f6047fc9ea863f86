/**
 * The reference Agent Auth client, standalone: an MCP server on stdio exposing the §6 tools.
 *
 *   npx tsx src/reference-client/main.ts --provider https://auth.example.test --state-dir ~/.agent-auth
 *
 * The same command is `agent-auth-conformance reference-client` in the project CLI.
 */
import { Command } from 'commander';
import { configureReferenceClientCommand } from './cli-options.ts';

const program = configureReferenceClientCommand(new Command().name('agent-auth-reference-client'));
await program.parseAsync(process.argv);
