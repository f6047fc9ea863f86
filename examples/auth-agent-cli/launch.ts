/**
 * How `@auth/agent-cli` 0.4.5 is identified and started as an MCP stdio server for certification;
 * shared by certify.ts (which runs it) and findings.ts (which names it).
 */

/** The client's source: better-auth/agent-auth at this commit ("chore: release v0.4.5"). */
export const CLIENT_REPOSITORY = 'better-auth/agent-auth';
export const CLIENT_COMMIT = 'a51a7b6e3b4ea69974f46cdd7ff63af396dd2195';
export const CLIENT_NAME = '@auth/agent-cli 0.4.5 (MCP mode) with @auth/agent 0.4.5';

/** The name the CLI's location has in the reports: the environment variable that gives it. */
export const DIST_PLACEHOLDER = '$AGENT_CLI_DIST';

/**
 * The launch line for the `dist` directory of the CLI. `mcp` comes first (the CLI then reads its own
 * flags); an empty directory URL makes discovery go to the loopback issuer itself (with the default
 * public directory it never fetches the URL); a fresh state directory per scenario; a fixed host
 * name; no browser; the simulator announced at start.
 */
export function launchCommand(dist: string): string {
  const entry = `${dist}/index.js`;
  const quoted = /^[\w./+@:$-]+$/.test(entry) ? entry : `'${entry.replaceAll("'", "'\\''")}'`;
  return `node ${quoted} mcp --directory-url '' --storage-dir {tmp}/store --host-name conformance-host --no-browser --url {issuer}`;
}

/** Its environment: HOME inside the scenario's state directory, and no browser either way. */
export const LAUNCH_ENV = ['HOME={tmp}/home', 'AGENT_AUTH_NO_BROWSER=1'];
