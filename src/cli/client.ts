import { stripVTControlCharacters } from 'node:util';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { mappingWorkarounds } from '../api/client-suite.ts';
import { packageInfo } from '../package-files.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import {
  createDriver,
  DriverConfigError,
  ToolMappingSchema,
  type DriverOptions,
} from '../client-harness/drivers/index.ts';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_SCENARIO_TIMEOUT_MS } from '../client-harness/engine.ts';
import {
  assembleClientReport,
  DEFAULT_CLIENT_CONCURRENCY,
  runClientConformance,
  type ClientRunConfig,
} from '../client-harness/run.ts';
import type { Scenario } from '../client-harness/scenario.ts';
import { BaselineError, loadBaseline } from '../harness/baseline.ts';
import { issuesInOneLine } from '../harness/input-issues.ts';
import { parsePatterns } from '../harness/patterns.ts';
import { closingLines, progressLine } from '../harness/progress.ts';
import { terminalStyle, type TerminalStyle } from '../harness/terminal.ts';
import { workaroundNotice } from '../harness/workarounds.ts';
import { EXCHANGE_RECORDING, type ClientReport, type ExchangeRecording } from '../model/index.ts';
import { parseFormats, REPORT_FORMATS, writeReports, type ReportFormat } from '../reports/write.ts';
import { unwritableReason } from '../reports/out-dir.ts';
import { COMMAND_DESCRIPTIONS } from './descriptions.ts';

/** Options as commander hands them over. */
export interface ClientCliOptions {
  driver: string;
  command?: string;
  url?: string;
  env: string[];
  config?: string;
  module?: string;
  profile?: string;
  out: string;
  format: string;
  only: string[];
  skip: string[];
  strict?: boolean;
  baseline?: string;
  seed?: string;
  timeout: string;
  scenarioTimeout: string;
  concurrency: string;
  recordExchanges: string;
  quiet?: boolean;
}

export interface ClientCliIo {
  stderr: (line: string) => void;
  /** How progress lines look (colour, width); plain 100 columns unless given. */
  style?: TerminalStyle;
  /** The scenarios to run (the client suite unless a test passes its own). */
  scenarios?: readonly Scenario[];
}

/**
 * The client profile (`--profile`, JSON): how the client under test differs from §6 in tool,
 * argument and result names. Each mapping is a declared workaround that every report names.
 */
export const ClientProfileSchema = z.strictObject({ mapping: ToolMappingSchema.optional() });
export type ClientProfile = z.infer<typeof ClientProfileSchema>;

class UsageError extends Error {
  override name = 'UsageError';
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerClientCommand(program: Command): void {
  program
    .command('client')
    .description(COMMAND_DESCRIPTIONS.client)
    .addHelpText(
      'after',
      '\nExit codes: 0 conforming, 1 conformance failures, 2 usage or setup error, 3 internal harness error (a report with the error is still written).',
    )
    .option('--driver <kind>', 'how to drive the client: mcp, command or module', 'mcp')
    .option(
      '--command <cmd>',
      'mcp: the command starting the client as an MCP stdio server ({issuer}, {tmp} are filled in)',
    )
    .option('--url <endpoint>', 'mcp: the Streamable HTTP endpoint of a running client')
    .option(
      '--env <NAME=value>',
      'mcp: extra environment for the client (repeatable; {issuer}, {tmp} are filled in)',
      collect,
      [],
    )
    .option('--config <file>', 'command: tools.json, a command template per tool')
    .option('--module <file>', 'module: an adapter module whose default export builds the tools')
    .option('--profile <file>', 'client profile JSON: declared tool, argument and result name mappings')
    .option('--out <dir>', 'directory for the reports', 'reports')
    .option(
      '--format <list>',
      `report formats, comma-separated (${REPORT_FORMATS.join(',')})`,
      REPORT_FORMATS.join(','),
    )
    .option('--only <pattern>', 'run only scenarios matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--skip <pattern>', 'skip scenarios matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--strict', 'score SHOULD failures as failures')
    .option('--baseline <file>', 'JSON file of expected failures')
    .option('--seed <n>', 'seed for anything random (default: random)')
    .option('--timeout <ms>', 'deadline per tool call', String(DEFAULT_CALL_TIMEOUT_MS))
    .option('--scenario-timeout <ms>', 'overall deadline per scenario', String(DEFAULT_SCENARIO_TIMEOUT_MS))
    .option('--concurrency <n>', 'scenarios run in parallel', String(DEFAULT_CLIENT_CONCURRENCY))
    .option(
      '--record-exchanges <which>',
      `which scenarios keep their exchanges (${EXCHANGE_RECORDING.join(' or ')})`,
      'failures',
    )
    .option('--quiet', 'no progress output')
    .action(async (options: ClientCliOptions) => {
      process.exitCode = await runClientCommand(options, {
        stderr: (line) => process.stderr.write(`${line}\n`),
        style: terminalStyle(process.stderr),
      });
    });
}

function positiveInteger(value: string, option: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0)
    throw new UsageError(`${option} must be a positive integer, got "${value}"`);
  return parsed;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`--seed must be an integer, got "${value}"`);
  return Number(value);
}

async function loadClientProfile(path: string): Promise<ClientProfile> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read client profile ${path}: ${(error as Error).message}`);
  }
  const parsed = ClientProfileSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(`${path} is not a valid client profile: ${issuesInOneLine(parsed.error)}`);
  return parsed.data;
}

/**
 * Runs the `client` command; returns the exit code (0 conforming, 1 failures, 2 usage/setup error,
 * 3 internal harness error). Every outcome writes the reports, the internal error included.
 */
export async function runClientCommand(options: ClientCliOptions, io: ClientCliIo): Promise<number> {
  // Found before the client is started: a run whose reports cannot be written would lose every result.
  const unwritable = unwritableReason(options.out);
  if (unwritable !== undefined) {
    io.stderr(`usage: cannot write reports to ${options.out}: ${unwritable}`);
    io.stderr('exit 2: setup or usage error');
    return 2;
  }
  const started = new Date();
  let formats: ReportFormat[] = [...REPORT_FORMATS];
  let config: Omit<ClientRunConfig, 'scenarios' | 'onResult' | 'driver'> | undefined;
  try {
    try {
      formats = parseFormats(options.format);
    } catch (error) {
      throw new UsageError(`--format: ${(error as Error).message}`);
    }
    if (!(EXCHANGE_RECORDING as readonly string[]).includes(options.recordExchanges)) {
      throw new UsageError(
        `--record-exchanges must be ${EXCHANGE_RECORDING.join(' or ')}, got "${options.recordExchanges}"`,
      );
    }
    const profile = options.profile === undefined ? undefined : await loadClientProfile(options.profile);
    config = {
      toolVersion: packageInfo.version,
      only: parsePatterns(options.only),
      skip: parsePatterns(options.skip),
      strict: options.strict ?? false,
      seed: parseSeed(options.seed),
      callTimeoutMs: positiveInteger(options.timeout, '--timeout'),
      scenarioTimeoutMs: positiveInteger(options.scenarioTimeout, '--scenario-timeout'),
      concurrency: positiveInteger(options.concurrency, '--concurrency'),
      formats,
      recordExchanges: options.recordExchanges as ExchangeRecording,
      workarounds: mappingWorkarounds(profile?.mapping),
      ...(profile && options.profile
        ? { profile: { profile: profile as Record<string, unknown>, path: options.profile } }
        : {}),
    };
    if (options.baseline) config.baseline = { baseline: await loadBaseline(options.baseline), file: options.baseline };
    const driverOptions: DriverOptions = {
      driver: options.driver as DriverOptions['driver'],
      callTimeoutMs: config.callTimeoutMs,
    };
    if (options.command !== undefined) driverOptions.command = options.command;
    if (options.url !== undefined) driverOptions.url = options.url;
    if (options.env.length > 0) driverOptions.env = options.env;
    if (options.config !== undefined) driverOptions.config = options.config;
    if (options.module !== undefined) driverOptions.module = options.module;
    if (profile?.mapping !== undefined) driverOptions.mapping = profile.mapping;
    const driver = await createDriver(driverOptions);
    if (!options.quiet) for (const line of workaroundNotice(config.workarounds)) io.stderr(line);
    const report = await runClientConformance({
      ...config,
      driver,
      scenarios: io.scenarios ?? clientScenarios,
      onResult: options.quiet ? undefined : (result, position) => io.stderr(progressLine(result, position, io.style)),
    });
    return await finishOrReport(report, options, config, formats, started, io);
  } catch (error) {
    const failed =
      error instanceof UsageError || error instanceof DriverConfigError || error instanceof BaselineError
        ? setupErrorReport(options, config, formats, started, `usage: ${error.message}`, 2)
        : internalErrorReport(options, config, formats, started, error);
    return finishOrReport(failed, options, config, formats, started, io);
  }
}

/**
 * Writes the reports; when rendering them fails (a bug: what the client sent broke a writer), writes
 * the internal-error report instead, and when even that fails says so on stderr. Exit 3 in both cases.
 */
async function finishOrReport(
  report: ClientReport,
  options: ClientCliOptions,
  config: Omit<ClientRunConfig, 'scenarios' | 'onResult' | 'driver'> | undefined,
  formats: ReportFormat[],
  started: Date,
  io: ClientCliIo,
): Promise<number> {
  try {
    return await finish(report, options, formats, io);
  } catch (error) {
    try {
      return await finish(internalErrorReport(options, config, formats, started, error), options, formats, io);
    } catch (again) {
      io.stderr(`internal harness error; no report could be written to ${options.out}: ${messageOf(again)}`);
      return 3;
    }
  }
}

/** The report of a run the harness itself broke (exit 3): the error, so it can be reported and fixed. */
function internalErrorReport(
  options: ClientCliOptions,
  config: Omit<ClientRunConfig, 'scenarios' | 'onResult' | 'driver'> | undefined,
  formats: ReportFormat[],
  started: Date,
  error: unknown,
): ClientReport {
  const where = error instanceof Error && error.stack ? ` (${error.stack.split('\n').slice(0, 4).join(' | ')})` : '';
  return setupErrorReport(options, config, formats, started, `internal harness error: ${messageOf(error)}${where}`, 3);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The report of a run that could not start (2) or that the harness broke (3), written like any other. */
function setupErrorReport(
  options: ClientCliOptions,
  config: Omit<ClientRunConfig, 'scenarios' | 'onResult' | 'driver'> | undefined,
  formats: ReportFormat[],
  startedAt: Date,
  error: string,
  exitCode: 2 | 3,
): ClientReport {
  const kind = (['mcp', 'command', 'module'] as const).find((name) => name === options.driver) ?? 'mcp';
  const description = options.command ?? options.url ?? options.config ?? options.module ?? '(no client given)';
  const driver = { kind, describe: () => description, start: () => Promise.reject(new Error('not started')) };
  return assembleClientReport(
    {
      toolVersion: packageInfo.version,
      driver,
      only: config?.only ?? [],
      skip: config?.skip ?? [],
      strict: options.strict ?? false,
      seed: config?.seed ?? 0,
      callTimeoutMs: config?.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      scenarioTimeoutMs: config?.scenarioTimeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS,
      concurrency: config?.concurrency ?? DEFAULT_CLIENT_CONCURRENCY,
      formats,
      recordExchanges: config?.recordExchanges ?? 'failures',
      workarounds: config?.workarounds ?? [],
    },
    {
      startedAt,
      setup: {
        ok: false,
        error,
        notes: [],
        control: null,
        profile: null,
        profile_source: 'none',
        exchanges: [],
      },
      checks: [],
      baseline: null,
      exitCode,
      tools: [],
    },
  );
}

async function finish(
  report: ClientReport,
  options: ClientCliOptions,
  formats: readonly ReportFormat[],
  io: ClientCliIo,
): Promise<number> {
  const paths = await writeReports(report, options.out, formats);
  const all = closingLines(report, io.style);
  const lines = options.quiet ? all.filter((line) => /^(setup failed|exit)/.test(stripVTControlCharacters(line))) : all;
  for (const line of lines) io.stderr(line);
  if (!options.quiet) io.stderr(`reports: ${paths.join(', ')}`);
  return report.exit_code;
}
