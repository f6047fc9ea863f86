/** Diagnostics go to stderr only: stdout is the MCP channel. */
export function log(message: string): void {
  process.stderr.write(`[reference-client] ${message}\n`);
}
