import type { Command } from 'commander';
import { configureReferenceClientCommand } from '../reference-client/cli-options.ts';

/** `reference-client`: the project's reference Agent Auth client as an MCP stdio server. */
export function registerReferenceClientCommand(program: Command): void {
  configureReferenceClientCommand(program.command('reference-client'));
}
