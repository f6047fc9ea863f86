import { stripVTControlCharacters } from 'node:util';
import type { Command, CommanderError } from 'commander';
import { runServerTarget } from '../api/server-suite.ts';
import { packageInfo } from '../package-files.ts';
import { serverChecks } from '../../suites/server/index.ts';
import { BaselineError, loadBaseline } from '../harness/baseline.ts';
import type { CheckDefinition } from '../harness/check.ts';
import { noCheckSelectedMessage, parsePatterns } from '../harness/patterns.ts';
import { selectChecks } from '../harness/runner.ts';
import { loadProfile, ProfileError } from '../harness/target-profile.ts';
import { closingLines, progressLine } from '../harness/progress.ts';
import { terminalStyle, type TerminalStyle } from '../harness/terminal.ts';
import { setupErrorReport, type ServerRunConfig } from '../harness/session.ts';
import { activeWorkarounds, workaroundNotice } from '../harness/workarounds.ts';
import { DEFAULT_THROTTLE_RETRIES } from '../harness/throttle.ts';
import { unwritableReason } from '../reports/out-dir.ts';
import { EXCHANGE_RECORDING, type ExchangeRecording, type Report } from '../model/index.ts';
import { parseFormats, REPORT_FORMATS, writeReports, writeReportsSync, type ReportFormat } from '../reports/write.ts';
import { COMMAND_DESCRIPTIONS } from './descriptions.ts';

/** Options as commander hands them over. */
export interface ServerCliOptions {
  url?: string;
  embedded?: boolean;
  discovery?: string;
  controlUrl?: string;
  profile?: string;
  out: string;
  format: string;
  only: string[];
  skip: string[];
  strict?: boolean;
  baseline?: string;
  seed?: string;
  timeout: string;
  checkTimeout: string;
  concurrency?: string;
  header: string[];
  recordExchanges?: string;
  keep?: boolean;
  throttleRetries?: string;
  minCoverage?: string;
  probeCapabilities?: boolean;
  maxDuration?: string;
  quiet?: boolean;
}

export interface ServerCliIo {
  stderr: (line: string) => void;
  /** How progress lines look (colour, width); plain 100 columns unless given. */
  style?: TerminalStyle;
  /** The checks to run (the server suite unless a test passes its own). */
  checks?: readonly CheckDefinition[];
}

class UsageError extends Error {
  override name = 'UsageError';
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description(COMMAND_DESCRIPTIONS.server)
    .option('--url <service-url>', 'base URL of the service under test')
    .option('--embedded', 'start the simulator in-process and run against it')
    .option('--discovery <url>', 'discovery document URL (default: {url}/.well-known/agent-configuration)')
    .option('--control-url <url>', 'operator control hook base URL (agent-auth-control/1)')
    .option(
      '--profile <file>',
      'target profile JSON: which capability plays each role (with --embedded: merged over the simulator profile that `simulate --print-profile` prints)',
    )
    .option('--out <dir>', 'directory for the reports', 'reports')
    .option(
      '--format <list>',
      `report formats, comma-separated (${REPORT_FORMATS.join(',')})`,
      REPORT_FORMATS.join(','),
    )
    .option('--only <pattern>', 'run only checks matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--skip <pattern>', 'skip checks matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--strict', 'score SHOULD failures as failures')
    .option('--baseline <file>', 'JSON file of expected failures')
    .option('--seed <n>', 'seed for anything random (default: random)')
    .option('--timeout <ms>', 'deadline per HTTP request', '5000')
    .option('--check-timeout <ms>', 'overall deadline per check', '30000')
    .option('--max-duration <s>', 'end the whole run after this many seconds; checks not finished by then are errors')
    .option('--concurrency <n>', 'checks run in parallel (default: 4, or 12 for a target 20 ms or more away)')
    .option('--header <header>', "extra request header 'Name: value' (repeatable)", collect, [])
    .option(
      '--record-exchanges <which>',
      `which checks keep their exchanges in the reports (${EXCHANGE_RECORDING.join(' or ')})`,
      'failures',
    )
    .option('--keep', 'leave the hosts and agents checks register in place (default: each check revokes its own)')
    .option(
      '--min-coverage <percent>',
      'fail (exit 1) a run in which fewer than this share of the applicable checks ran (the rest skipped)',
    )
    .option(
      '--throttle-retries <n>',
      `run a check the target throttled (429) again after the wait it asks for, up to n times (default: ${DEFAULT_THROTTLE_RETRIES}; 0: never)`,
    )
    .option(
      '--probe-capabilities',
      'learn the async, stream and high-risk capabilities the profile leaves open by executing each capability once during setup (default: on with --control-url, off without)',
    )
    .option('--no-probe-capabilities', 'never execute capabilities during setup, even with --control-url')
    .option('--quiet', 'no progress output')
    .exitOverride(exitOnParseError)
    .action(async (options: ServerCliOptions) => {
      process.exitCode = await runServerCommand(options, {
        stderr: (line) => process.stderr.write(`${line}\n`),
        style: terminalStyle(process.stderr),
      });
    });
}

/**
 * Commander's own parse errors (unknown option, missing argument) are usage errors: exit 2, after
 * writing the usage-error report to the --out found in argv (the options never got parsed).
 */
function exitOnParseError(error: CommanderError): never {
  if (error.exitCode === 0) process.exit(0);
  const argv = process.argv;
  const at = argv.findIndex((arg) => arg === '--out' || arg.startsWith('--out='));
  const out =
    at === -1
      ? 'reports'
      : argv[at]?.startsWith('--out=')
        ? argv[at].slice('--out='.length)
        : (argv[at + 1] ?? 'reports');
  const options: ServerCliOptions = {
    out,
    format: '',
    only: [],
    skip: [],
    timeout: '',
    checkTimeout: '',
    header: [],
  };
  const report = setupErrorReport(usageConfig(options), { error: `usage: ${error.message.replace(/^error: /, '')}` });
  try {
    writeReportsSync(report, out, REPORT_FORMATS);
  } catch {
    // The message commander printed is what matters when even the report cannot be written.
  }
  process.exit(2);
}

/** A mistyped URL is the caller's error, said as such before any request rather than as an unreachable target. */
function requireHttpUrl(value: string | undefined, option: string): void {
  if (value === undefined) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option} must be an absolute http(s) URL, got "${value}"`);
}

function percentage(value: string, option: string): number {
  const number = Number(value.trim().replace(/%$/, ''));
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 100)
    throw new UsageError(`${option} must be a percentage between 0 and 100, got "${value}"`);
  return number;
}

function nonNegativeInteger(value: string, option: string): number {
  return value.trim() === '0' ? 0 : positiveInteger(value, option);
}

function positiveInteger(value: string, option: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number <= 0) {
    throw new UsageError(`${option} must be a positive integer, got "${value}"`);
  }
  return number;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--seed must be an integer, got "${value}"`);
  }
  return Number(value);
}

function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(value);
    if (!match?.[1]) throw new UsageError(`--header must look like 'Name: value', got "${value}"`);
    headers[match[1]] = match[2] ?? '';
  }
  return headers;
}

function parseRecording(value: string | undefined): ExchangeRecording {
  if (value === undefined) return 'failures';
  if (!(EXCHANGE_RECORDING as readonly string[]).includes(value)) {
    throw new UsageError(`--record-exchanges must be ${EXCHANGE_RECORDING.join(' or ')}, got "${value}"`);
  }
  return value as ExchangeRecording;
}

interface Parsed {
  config: Omit<ServerRunConfig, 'checks' | 'onResult' | 'profile' | 'baseline'>;
  formats: ReportFormat[];
}

function parseOptions(options: ServerCliOptions, checks: readonly CheckDefinition[]): Parsed {
  if (options.embedded && (options.url || options.discovery || options.controlUrl)) {
    throw new UsageError(
      '--embedded runs against the built-in simulator; it cannot be combined with --url, --discovery or --control-url',
    );
  }
  if (!options.embedded && !options.url && !options.discovery) {
    throw new UsageError('give the service to test with --url <service-url> (or --discovery <url>), or use --embedded');
  }
  requireHttpUrl(options.url, '--url');
  requireHttpUrl(options.discovery, '--discovery');
  requireHttpUrl(options.controlUrl, '--control-url');
  let formats: ReportFormat[];
  try {
    formats = parseFormats(options.format);
  } catch (error) {
    throw new UsageError(`--format: ${(error as Error).message}`);
  }
  const only = parsePatterns(options.only);
  const skip = parsePatterns(options.skip);
  // A run of no check would report "conforming" about nothing: patterns that leave none are a usage error.
  if ((only.length > 0 || skip.length > 0) && selectChecks(checks, only, skip).length === 0) {
    throw new UsageError(noCheckSelectedMessage(checks.length));
  }
  const config: Parsed['config'] = {
    toolVersion: packageInfo.version,
    url: options.url,
    discoveryUrl: options.discovery,
    controlUrl: options.controlUrl,
    embedded: options.embedded ?? false,
    only,
    skip,
    strict: options.strict ?? false,
    seed: parseSeed(options.seed),
    timeoutMs: positiveInteger(options.timeout, '--timeout'),
    checkTimeoutMs: positiveInteger(options.checkTimeout, '--check-timeout'),
    ...(options.concurrency !== undefined && { concurrency: positiveInteger(options.concurrency, '--concurrency') }),
    headers: parseHeaders(options.header),
    formats,
    recordExchanges: parseRecording(options.recordExchanges),
    keep: options.keep ?? false,
    ...(options.minCoverage !== undefined && { minCoverage: percentage(options.minCoverage, '--min-coverage') }),
    ...(options.throttleRetries !== undefined && {
      throttleRetries: nonNegativeInteger(options.throttleRetries, '--throttle-retries'),
    }),
    ...(options.probeCapabilities !== undefined && { probeCapabilities: options.probeCapabilities }),
    ...(options.maxDuration !== undefined && {
      maxDurationMs: positiveInteger(options.maxDuration, '--max-duration') * 1000,
    }),
  };
  return { config, formats };
}

/** Fallback configuration for reporting a usage error when the options themselves do not parse. */
function usageConfig(options: ServerCliOptions): Parsed['config'] {
  return {
    toolVersion: packageInfo.version,
    url: options.url,
    discoveryUrl: options.discovery,
    controlUrl: options.controlUrl,
    embedded: options.embedded ?? false,
    only: [],
    skip: [],
    strict: options.strict ?? false,
    seed: 0,
    timeoutMs: 5000,
    headers: {},
    formats: [...REPORT_FORMATS],
  };
}

/** Runs the `server` command; returns the exit code (0 conforming, 1 failures, 2 usage/setup error). */
export async function runServerCommand(options: ServerCliOptions, io: ServerCliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseOptions(options, io.checks ?? serverChecks);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const config = usageConfig(options);
    return finish(
      setupErrorReport(config, { error: `usage: ${error.message}` }),
      options.out,
      [...REPORT_FORMATS],
      io,
      options.quiet,
    );
  }
  const { config, formats } = parsed;
  // Found before any request: a run whose reports cannot be written would lose every result.
  const unwritable = unwritableReason(options.out);
  if (unwritable !== undefined) {
    io.stderr(`usage: cannot write reports to ${options.out}: ${unwritable}`);
    io.stderr('exit 2: setup or usage error');
    return 2;
  }
  let profile: ServerRunConfig['profile'];
  let baseline: ServerRunConfig['baseline'];
  try {
    if (options.profile)
      profile = { profile: await loadProfile(options.profile), source: 'file', path: options.profile };
    if (options.baseline) baseline = { baseline: await loadBaseline(options.baseline), file: options.baseline };
  } catch (error) {
    if (!(error instanceof ProfileError) && !(error instanceof BaselineError)) throw error;
    return finish(
      setupErrorReport({ ...config, profile }, { error: error.message }),
      options.out,
      formats,
      io,
      options.quiet,
    );
  }
  let report: Report;
  try {
    report = await runServerTarget(
      {
        ...config,
        profile,
        baseline,
        checks: io.checks ?? serverChecks,
        onResult: options.quiet ? undefined : (result, position) => io.stderr(progressLine(result, position, io.style)),
      },
      {
        // Said up front as well as at the end: every result of the run depends on them.
        beforeChecks: (used) => {
          if (!options.quiet)
            for (const line of workaroundNotice(activeWorkarounds(used?.profile.workarounds))) io.stderr(line);
        },
      },
    );
  } catch (error) {
    report = internalErrorReport(config, profile, error);
  }
  try {
    return await finish(report, options.out, formats, io, options.quiet);
  } catch (error) {
    // Rendering what the target sent failed: write what can be written, with the error in it.
    try {
      return await finish(internalErrorReport(config, profile, error), options.out, formats, io, true);
    } catch (again) {
      io.stderr(`internal harness error; no report could be written to ${options.out}: ${messageOf(again)}`);
      return 3;
    }
  }
}

/** The report of a run the harness itself broke (exit 3): the error, so it can be reported and fixed. */
function internalErrorReport(config: Parsed['config'], profile: ServerRunConfig['profile'], error: unknown): Report {
  const where = error instanceof Error && error.stack ? ` (${error.stack.split('\n').slice(0, 4).join(' | ')})` : '';
  return setupErrorReport(
    { ...config, profile },
    { error: `internal harness error: ${messageOf(error)}${where}` },
    {},
    3,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function finish(
  report: Report,
  out: string,
  formats: readonly ReportFormat[],
  io: ServerCliIo,
  quiet?: boolean,
): Promise<number> {
  const paths = await writeReports(report, out, formats);
  const notice = workaroundNotice(report.workarounds);
  const all = closingLines(report, io.style);
  const lines = quiet
    ? all.filter((line) => {
        const plain = stripVTControlCharacters(line);
        return plain.startsWith('setup failed') || plain.startsWith('exit') || notice.includes(plain);
      })
    : all;
  for (const line of lines) io.stderr(line);
  if (!quiet) io.stderr(`reports: ${paths.join(', ')}`);
  return report.exit_code;
}
