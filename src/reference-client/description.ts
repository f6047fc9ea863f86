/** One line on what the reference client is, for its own --help and for the project CLI's command list. */
export const REFERENCE_CLIENT_DESCRIPTION =
  'run the reference Agent Auth client as an MCP server on stdio (logs on stderr)';
