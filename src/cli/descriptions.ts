import { REFERENCE_CLIENT_DESCRIPTION } from '../reference-client/description.ts';

/**
 * What each command does, in one line. Kept apart from the commands' modules so that the top-level
 * help can list every command without loading any of them (main.ts loads only the command that runs).
 */
export const COMMAND_DESCRIPTIONS = {
  schemas: 'Generate the JSON Schemas (draft 2020-12) of every protocol wire object and of report.json',
  simulate: 'run the simulated Agent Auth server on 127.0.0.1 until interrupted',
  server: 'certify an Agent Auth server: run the server suite against a service (or the embedded simulator)',
  client: 'certify an Agent Auth client: drive its §6 tools against the simulated server, scenario by scenario',
  list: 'list the server checks (id, level, requirements, what each needs) without running anything',
  'reference-client': REFERENCE_CLIENT_DESCRIPTION,
} as const;

export type CommandName = keyof typeof COMMAND_DESCRIPTIONS;
