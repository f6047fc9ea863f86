import { InvalidArgumentError, type Command } from 'commander';
import { AgentModeSchema, type AgentMode } from '../protocol/index.ts';
import {
  FAULTS,
  isFaultName,
  SIMULATOR_PROFILE,
  startSimulator,
  type FaultName,
  type RunningSimulator,
  type SimulatorOptions,
} from '../sim/index.ts';
import { COMMAND_DESCRIPTIONS } from './descriptions.ts';

interface SimulateCliOptions {
  port: number;
  fault: FaultName[];
  sessionTtl?: number;
  maxLifetime?: number;
  absoluteLifetime?: number;
  modes?: AgentMode[];
  capabilityListRequiresAuth?: boolean;
  rateLimit?: { limit: number; windowSeconds: number };
  rateLimitPerAddress?: boolean;
  allowLoopbackJwks?: boolean;
  listFaults?: boolean;
  printProfile?: boolean;
  latency?: number;
  maxAgentsPerUser?: number;
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    throw new InvalidArgumentError('expected a port number (0-65535)');
  return parsed;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return parsed;
}

function fault(value: string, previous: FaultName[]): FaultName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of names) {
    if (!isFaultName(name)) throw new InvalidArgumentError(`unknown fault '${name}' (see --list-faults)`);
  }
  return [...previous, ...(names as FaultName[])];
}

function modes(value: string): AgentMode[] {
  const list = value.split(',').map((mode) => mode.trim());
  return list.map((mode) => {
    const parsed = AgentModeSchema.safeParse(mode);
    if (!parsed.success) throw new InvalidArgumentError(`unknown mode '${mode}' (delegated, autonomous)`);
    return parsed.data;
  });
}

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return parsed;
}

function latency(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 10_000) {
    throw new InvalidArgumentError('expected whole milliseconds between 0 and 10000');
  }
  return parsed;
}

function rateLimit(value: string): { limit: number; windowSeconds: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new InvalidArgumentError('expected <requests>/<seconds>, e.g. 60/60');
  }
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

/** Lines of `--list-faults`: name, requirement ids, description. */
export function faultListing(): string[] {
  return FAULTS.map((f) => `${f.name}  [${f.requirements.join(', ')}]\n    ${f.description}`);
}

/** How often simulate looks whether the process that started it is still there. */
const PARENT_POLL_MS = 500;

/**
 * Serves until SIGINT or SIGTERM, or until the process that started simulate goes away. The last
 * one is for `npx agent-auth-conformance simulate`: npm runs the bin through a shell, and on SIGTERM
 * npm ends itself and that shell without passing the signal on, leaving this process orphaned and
 * its port taken (npm 11; on SIGINT npm waits, relying on the terminal's Ctrl-C reaching the whole
 * process group). Being re-parented is the one sign of that left to see, so it ends the run too.
 * `parent` is read before the simulator starts: read after "listening", the parent may already be
 * gone (a caller that ends it as soon as it sees that line) and the change would never be seen.
 */
async function untilStopped(simulator: RunningSimulator, parent: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const watch = setInterval(() => {
      if (process.ppid !== parent) shutdown();
    }, PARENT_POLL_MS);
    watch.unref();
    function shutdown() {
      clearInterval(watch);
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      void simulator.stop().then(resolve);
    }
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(COMMAND_DESCRIPTIONS.simulate)
    .option('--port <n>', 'TCP port (0 picks a free one)', port, 0)
    .option('--fault <name>', 'inject a named fault (repeatable, or comma-separated)', fault, [])
    .option('--session-ttl <s>', 'session TTL in seconds (default 1800)', seconds)
    .option('--max-lifetime <s>', 'max lifetime in seconds (default 86400)', seconds)
    .option('--absolute-lifetime <s>', 'absolute lifetime in seconds (default 604800)', seconds)
    .option('--modes <list>', 'registration modes offered: delegated,autonomous', modes)
    .option('--capability-list-requires-auth', 'answer unauthenticated capability listings with 401')
    .option('--rate-limit <n/s>', 'rate limit per client identity, e.g. 60/60', rateLimit)
    .option('--rate-limit-per-address', 'count --rate-limit per client address alone, as many deployments do')
    .option('--allow-loopback-jwks', 'allow http JWKS URLs on loopback addresses (testing only)')
    .option(
      '--max-agents-per-user <n>',
      'refuse registrations past n active or pending agents per user (agent_limit_reached)',
      count,
    )
    .option('--latency <ms>', 'delay every answer by this many milliseconds, as a distant server would', latency)
    .option('--list-faults', 'print the available faults and exit')
    .option(
      '--print-profile',
      'print the target profile (JSON) under which a --url run of the simulator equals the embedded run, and exit',
    )
    .action(async (raw: SimulateCliOptions) => {
      if (raw.listFaults) {
        process.stdout.write(`${faultListing().join('\n')}\n`);
        return;
      }
      if (raw.printProfile) {
        process.stdout.write(`${JSON.stringify(SIMULATOR_PROFILE, null, 2)}\n`);
        return;
      }
      const options: SimulatorOptions = {
        port: raw.port,
        faults: raw.fault,
        ...(raw.sessionTtl !== undefined && { sessionTtlSeconds: raw.sessionTtl }),
        ...(raw.maxLifetime !== undefined && { maxLifetimeSeconds: raw.maxLifetime }),
        ...(raw.absoluteLifetime !== undefined && { absoluteLifetimeSeconds: raw.absoluteLifetime }),
        ...(raw.modes !== undefined && { modes: raw.modes }),
        ...(raw.capabilityListRequiresAuth && { capabilityListRequiresAuth: true }),
        ...(raw.rateLimit !== undefined && {
          rateLimit: { ...raw.rateLimit, ...(raw.rateLimitPerAddress && { scope: 'address' as const }) },
        }),
        ...(raw.allowLoopbackJwks && { allowLoopbackJwks: true }),
        ...(raw.latency !== undefined && { latencyMs: raw.latency }),
        ...(raw.maxAgentsPerUser !== undefined && { maxActiveAgentsPerUser: raw.maxAgentsPerUser }),
      };
      const parent = process.ppid;
      let simulator: RunningSimulator;
      try {
        simulator = await startSimulator(options);
      } catch (error) {
        process.stderr.write(`simulate: cannot start on 127.0.0.1:${raw.port}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`listening ${simulator.issuer}\n`);
      await untilStopped(simulator, parent);
    });
}
