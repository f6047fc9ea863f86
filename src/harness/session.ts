import {
  SPEC_VERSION,
  TOOL_NAME,
  ranShare,
  summarize,
  type CheckResult,
  type ExchangeRecording,
  type ServerReport,
  type ReportOptions,
  type Setup,
} from '../model/index.ts';
import { applyBaseline, type Baseline } from './baseline.ts';
import { TargetClock } from './target-clock.ts';
import type { CheckDefinition } from './check.ts';
import type { TargetInfo } from './protocol-client/index.ts';
import { ControlClient, type ControlInfo } from './control-client.ts';
import { buildCoverage, readCatalogue } from './coverage.ts';
import { discoveryUrlFor } from './endpoints.ts';
import { CheckAbortedError, HttpDriver } from './http-driver.ts';
import { ProtocolClient } from './protocol-client/index.ts';
import type { TargetProfile } from './target-profile.ts';
import type { RunPosition } from './progress.ts';
import { chooseConcurrency } from './concurrency.ts';
import { credentialNotes, credentialPolicy } from './credential-policy.ts';
import { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_CONCURRENCY, runChecks, selectChecks, validateChecks } from './runner.ts';
import { completeProfile, loadControl, loadTarget, SetupError, type CapabilityProbe } from './setup.ts';
import { probeCapabilities } from './setup-probe.ts';
import { DEFAULT_THROTTLE_RETRIES } from './throttle.ts';
import { withFixtureArguments, withFixtureFailures } from './control-fixtures.ts';
import { activeWorkarounds } from './workarounds.ts';

export interface ServerRunConfig {
  toolVersion: string;
  /** Service URL; discovery defaults to `{url}/.well-known/agent-configuration`. */
  url?: string;
  discoveryUrl?: string;
  controlUrl?: string;
  embedded: boolean;
  /** A profile given up front (from --profile, or the embedded simulator's). */
  profile?: { profile: TargetProfile; source: 'file' | 'embedded'; path?: string };
  baseline?: { baseline: Baseline; file: string };
  checks: readonly CheckDefinition[];
  only: string[];
  skip: string[];
  strict: boolean;
  seed: number;
  timeoutMs: number;
  checkTimeoutMs?: number;
  concurrency?: number;
  headers: Record<string, string>;
  formats: string[];
  /** Which checks keep their exchanges in the report (default: those that did not pass). */
  recordExchanges?: ExchangeRecording;
  /** Leave the hosts and agents checks registered in place instead of revoking them (`--keep`). */
  keep?: boolean;
  /**
   * Least share (percent) of the applicable checks that must run (not be skipped) for a clean run to
   * exit 0 (`--min-coverage`); below it the run exits 1 and says so.
   */
  minCoverage?: number;
  /** Re-runs of a check the target throttled (429), after the wait it asks for (throttle.ts). */
  throttleRetries?: number;
  /**
   * Learn the async, stream and high-risk roles a profile leaves open by using the capabilities during
   * setup (setup-probe.ts). Default: on when a control hook is given, off without one.
   */
  probeCapabilities?: boolean;
  /** Called with each finished check (progress output), with how many have finished of how many. */
  onResult?: (result: CheckResult, position: RunPosition) => void;
  /** The whole run ends after this long (`--max-duration`): checks not finished by then are errors. */
  maxDurationMs?: number;
  /** Setup (discovery, control, capability listing and probing) ends after this long; default 60 s. */
  setupTimeoutMs?: number;
}

export const DEFAULT_SETUP_TIMEOUT_MS = 60_000;

/** A problem found before any check could run: the report carries it and the run exits 2. */
export interface SetupFailure {
  error: string;
  notes?: string[];
}

/** Runs the server suite against the configured target and returns the finished report. */
export async function runServerConformance(config: ServerRunConfig): Promise<ServerReport> {
  const startedAt = new Date();
  const runDeadline = config.maxDurationMs === undefined ? undefined : performance.now() + config.maxDurationMs;
  const notes: string[] = [];
  const http = new HttpDriver({ timeoutMs: config.timeoutMs, extraHeaders: config.headers });
  // Setup has a deadline of its own: a target that answers every request slowly cannot stall the run there.
  const setupMs = Math.min(
    config.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS,
    config.maxDurationMs ?? Number.POSITIVE_INFINITY,
  );
  const setupAbort = new AbortController();
  const setupTimer = setTimeout(() => setupAbort.abort(), setupMs);
  const setupHttp = http.session('setup', setupAbort.signal);
  const setupTimedOut = (error: unknown) =>
    error instanceof CheckAbortedError ? new SetupError(`timed out: setup did not finish within ${setupMs} ms`) : error;
  let target: TargetInfo | undefined;
  let control: ControlInfo | undefined;
  try {
    try {
      validateChecks(config.checks);
    } catch (error) {
      throw new SetupError(`invalid check definitions: ${(error as Error).message}`);
    }
    const discoveryUrl = config.discoveryUrl ?? (config.url === undefined ? undefined : discoveryUrlFor(config.url));
    if (discoveryUrl === undefined) throw new SetupError('no target: give --url or --discovery (or --embedded)');
    target = await loadTarget(setupHttp, discoveryUrl, notes);
    if (config.controlUrl !== undefined) control = await loadControl(setupHttp, config.controlUrl);
    else notes.push('no --control-url: checks that need operator hooks are skipped');
  } catch (thrown) {
    const error = setupTimedOut(thrown);
    clearTimeout(setupTimer);
    if (!(error instanceof SetupError)) throw error;
    return setupErrorReport(
      config,
      { error: error.message, notes },
      { startedAt, exchanges: setupHttp.exchanges, target },
    );
  }

  // From here on tokens go only where they belong (credential-policy.ts).
  let profileInUse: TargetProfile | undefined = config.profile?.profile;
  http.credentialPolicy = credentialPolicy(target, () => profileInUse);
  // A host of the setup's own signs the authenticated listing; it registers nothing, so nothing to clean up.
  const setupClient = new ProtocolClient(setupHttp, target, undefined, new TargetClock());
  const clock = new TargetClock();
  // A control hook exists only in builds made for testing (control contract §2), so using each
  // capability once there is what a tester would do by hand; without one the run stays read-mostly.
  const probe: CapabilityProbe | undefined =
    (config.probeCapabilities ?? control !== undefined)
      ? (names, profile) => {
          const probeControl = control ? new ControlClient(setupHttp, control, clock) : undefined;
          const client = new ProtocolClient(setupHttp, target, probeControl, clock, profile.workarounds);
          return probeCapabilities(client, names, profile, notes);
        }
      : undefined;
  let completed: Awaited<ReturnType<typeof completeProfile>>;
  try {
    if (control?.fixturesProblem) notes.push(control.fixturesProblem);
    completed = await completeProfile(
      setupHttp,
      target,
      withFixtureArguments(config.profile?.profile, control?.fixtures),
      notes,
      async () => setupClient.hostToken(await setupClient.newHost({ name: 'agent-auth-conformance setup' })),
      probe,
    );
  } catch (thrown) {
    const error = setupTimedOut(thrown);
    if (!(error instanceof SetupError)) throw error;
    return setupErrorReport(
      config,
      { error: error.message, notes },
      { startedAt, exchanges: setupHttp.exchanges, target },
    );
  } finally {
    clearTimeout(setupTimer);
  }
  completed.profile = withFixtureFailures(completed.profile, control?.fixtures, notes);
  profileInUse = completed.profile;
  notes.push(...credentialNotes(target, completed.profile));
  const { concurrency, note: concurrencyNote } = chooseConcurrency(config.concurrency, setupHttp.exchanges);
  notes.push(concurrencyNote);
  const selected = selectChecks(config.checks, config.only, config.skip);
  if (selected.length === 0) notes.push('no check matches the --only/--skip patterns');
  const results = await runChecks(
    selected,
    { http, target, profile: completed.profile, control, seed: config.seed, clock: new TargetClock() },
    {
      strict: config.strict,
      concurrency,
      checkTimeoutMs: config.checkTimeoutMs,
      onResult: config.onResult,
      recordExchanges: config.recordExchanges ?? 'failures',
      keep: config.keep ?? false,
      ...(config.throttleRetries !== undefined && { throttleRetries: config.throttleRetries }),
      ...(runDeadline !== undefined && { runDeadline }),
    },
  );
  const baseline = config.baseline
    ? applyBaseline(config.baseline.baseline, config.baseline.file, results, new Set(config.checks.map((c) => c.id)))
    : null;
  const failed = baseline ? !baseline.ok : results.some((result) => result.status === 'failed');
  const undercovered = belowMinCoverage(config.minCoverage, results);
  if (undercovered !== undefined) notes.push(undercovered);
  const setup: Setup = {
    ok: true,
    notes,
    control: control ? { url: control.baseUrl, supports: control.supports, unknown: control.unknown } : null,
    profile: completed.profile,
    profile_source: profileSource(config.profile?.source, completed.inferred),
    exchanges: setupHttp.exchanges,
  };
  return assemble(
    { ...config, concurrency },
    {
      startedAt,
      setup,
      results,
      baseline,
      target,
      profile: completed.profile,
      exitCode: failed || undercovered !== undefined ? 1 : 0,
    },
  );
}

/** The note failing a run that ran less of the suite than `--min-coverage` asks, or undefined. */
function belowMinCoverage(minCoverage: number | undefined, results: readonly CheckResult[]): string | undefined {
  if (minCoverage === undefined) return undefined;
  const { ran, applicable, share } = ranShare(summarize(results));
  const percent = Math.floor(share * 1000) / 10;
  if (percent >= minCoverage) return undefined;
  return `coverage below --min-coverage: ${ran} of ${applicable} applicable checks ran (${percent}%, at least ${minCoverage}% asked); the skip reasons say how to enable the rest`;
}

/** The report of a run that could not start (usage, configuration, unreachable target): exit code 2. */
export function setupErrorReport(
  config: Omit<ServerRunConfig, 'checks' | 'onResult'> & { checks?: readonly CheckDefinition[] },
  failure: SetupFailure,
  context: { startedAt?: Date; exchanges?: Setup['exchanges']; target?: TargetInfo } = {},
  exitCode: 2 | 3 = 2,
): ServerReport {
  const setup: Setup = {
    ok: false,
    error: failure.error,
    notes: failure.notes ?? [],
    control: null,
    profile: config.profile?.profile ?? null,
    profile_source: config.profile ? config.profile.source : 'none',
    exchanges: context.exchanges ?? [],
  };
  return assemble(config, {
    startedAt: context.startedAt ?? new Date(),
    setup,
    results: [],
    baseline: null,
    target: context.target,
    profile: config.profile?.profile,
    exitCode,
  });
}

function profileSource(given: 'file' | 'embedded' | undefined, inferred: boolean): Setup['profile_source'] {
  if (given && inferred) return `${given}+inferred`;
  return given ?? (inferred ? 'inferred' : 'none');
}

function assemble(
  config: Omit<ServerRunConfig, 'checks' | 'onResult'>,
  parts: {
    startedAt: Date;
    setup: Setup;
    results: CheckResult[];
    baseline: ServerReport['baseline'];
    target: TargetInfo | undefined;
    /** The profile the checks used (the setup section records it as plain JSON). */
    profile: TargetProfile | undefined;
    exitCode: 0 | 1 | 2 | 3;
  },
): ServerReport {
  const finishedAt = new Date();
  const options: ReportOptions = {
    only: config.only,
    skip: config.skip,
    strict: config.strict,
    timeout_ms: config.timeoutMs,
    check_timeout_ms: config.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
    concurrency: config.concurrency ?? DEFAULT_CONCURRENCY,
    formats: config.formats,
    baseline: config.baseline?.file ?? null,
    profile: config.profile?.path ?? null,
    headers: Object.keys(config.headers),
    record_exchanges: config.recordExchanges ?? 'failures',
    keep: config.keep ?? false,
    throttle_retries: config.throttleRetries ?? DEFAULT_THROTTLE_RETRIES,
    ...(config.minCoverage !== undefined && { min_coverage: config.minCoverage }),
  };
  const catalogue = readCatalogue();
  return {
    tool: { name: TOOL_NAME, version: config.toolVersion },
    spec_version: SPEC_VERSION,
    kind: 'server',
    target: {
      url: config.url ?? null,
      discovery_url:
        parts.target?.discoveryUrl ?? config.discoveryUrl ?? (config.url ? discoveryUrlFor(config.url) : null),
      issuer: parts.target?.issuer ?? null,
      control_url: config.controlUrl ?? null,
      embedded: config.embedded,
      endpoints: parts.target?.endpoints ?? {},
    },
    seed: config.seed,
    started_at: parts.startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - parts.startedAt.getTime(),
    options,
    setup: parts.setup,
    workarounds: activeWorkarounds(parts.profile?.workarounds),
    summary: summarize(parts.results),
    checks: parts.results,
    coverage: buildCoverage('server', parts.results, 'catalogue' in catalogue ? catalogue.catalogue : catalogue),
    baseline: parts.baseline,
    exit_code: parts.exitCode,
  };
}
