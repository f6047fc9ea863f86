import { hostname } from 'node:os';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { ReferenceClientConfig } from './config.ts';
import { createClientContext } from './context.ts';
import { REFERENCE_CLIENT_DESCRIPTION } from './description.ts';
import { ClientFaultSet, clientFaultListing, isClientFaultName, type ClientFaultName } from './faults.ts';
import { log } from './log.ts';
import { createReferenceClientServer } from './mcp-server.ts';
import { ToolError } from './tool-error.ts';
import { UrlPolicy } from './url-policy.ts';
import { unwritableReason } from '../reports/out-dir.ts';

interface CliOptions {
  provider: string[];
  stateDir?: string;
  allowInsecureLoopback?: boolean;
  hostName?: string;
  approvalTimeout: number;
  fault: ClientFaultName[];
  listFaults?: boolean;
}

/** Adds the reference client's options and action to `command` (the standalone program or a subcommand). */
export function configureReferenceClientCommand(command: Command): Command {
  return command
    .description(REFERENCE_CLIENT_DESCRIPTION)
    .option(
      '--provider <service-url>',
      'a provider the client is configured for (repeatable; the first is the default)',
      collect,
      [],
    )
    .option(
      '--state-dir <dir>',
      'keep the host key, agent keys and connections in this directory (files 0600); memory only without it',
    )
    .option('--allow-insecure-loopback', 'accept plain http on 127.0.0.1, localhost and [::1] origins (testing only)')
    .option('--host-name <name>', "host name sent on registration (default: this machine's hostname)")
    .option(
      '--approval-timeout <s>',
      'seconds a tool waits for a pending approval before answering pending',
      seconds,
      60,
    )
    .option('--fault <name>', 'inject a named fault (repeatable, or comma-separated; see --list-faults)', fault, [])
    .option('--list-faults', 'print the available faults and exit')
    .action(async (raw: CliOptions) => {
      process.exitCode = await runReferenceClient(raw);
    });
}

/** Runs the client until its MCP peer goes away; the exit code (2 for a usage error). */
async function runReferenceClient(raw: CliOptions): Promise<number> {
  if (raw.listFaults) {
    process.stdout.write(`${clientFaultListing().join('\n')}\n`);
    return 0;
  }
  const policy = new UrlPolicy(raw.allowInsecureLoopback === true);
  try {
    for (const url of raw.provider) policy.require(url, `--provider ${url}`);
  } catch (error) {
    process.stderr.write(`reference-client: ${error instanceof ToolError ? error.message : String(error)}\n`);
    return 2;
  }
  // Checked before the keys are loaded: Node's recursive mkdir spins forever on some paths (below /proc, for one).
  const unusable = raw.stateDir === undefined ? undefined : unwritableReason(raw.stateDir);
  if (unusable !== undefined) {
    process.stderr.write(`reference-client: cannot keep state in --state-dir ${raw.stateDir}: ${unusable}\n`);
    return 2;
  }
  const config: ReferenceClientConfig = {
    providers: raw.provider,
    allowInsecureLoopback: raw.allowInsecureLoopback === true,
    hostName: raw.hostName ?? hostname(),
    approvalTimeoutSeconds: raw.approvalTimeout,
    faults: new ClientFaultSet(raw.fault),
    ...(raw.stateDir !== undefined && { stateDir: raw.stateDir }),
  };
  // Node's TLS stack verifies certificates unless told otherwise; only the fault tells it otherwise.
  if (config.faults.has('accepts-untrusted-tls')) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const ctx = await createClientContext(config);
  const server = createReferenceClientServer(ctx);
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.connect(new StdioServerTransport());
  const faults = config.faults.names();
  log(
    `ready: host ${ctx.tokens.host.thumbprint}, providers ${config.providers.join(', ') || '(none)'}${faults.length > 0 ? `, faults ${faults.join(', ')}` : ''}`,
  );
  await ended;
  ctx.flows.cancelAll();
  await server.close();
  return 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new InvalidArgumentError('expected a number of seconds (0 or more)');
  return parsed;
}

function fault(value: string, previous: ClientFaultName[]): ClientFaultName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of names)
    if (!isClientFaultName(name)) throw new InvalidArgumentError(`unknown fault '${name}' (see --list-faults)`);
  return [...previous, ...(names as ClientFaultName[])];
}
