import { serverChecks } from '../../suites/server/index.ts';
import { loadBaseline } from '../harness/baseline.ts';
import { noCheckSelectedMessage, parsePatterns } from '../harness/patterns.ts';
import { DEFAULT_CHECK_TIMEOUT_MS, selectChecks } from '../harness/runner.ts';
import { runServerConformance, type ServerRunConfig } from '../harness/session.ts';
import { loadProfile, mergeProfiles, type TargetProfile } from '../harness/target-profile.ts';
import type { ServerReport } from '../model/index.ts';
import { packageInfo } from '../package-files.ts';
import { REPORT_FORMATS, writeReports } from '../reports/write.ts';
import { runSeed, type SuiteRunOptions } from './run-options.ts';
import { startSimulator } from './simulator.ts';

/** What `runServerSuite` needs: the target, and the same choices the `server` command offers. */
export interface ServerSuiteOptions extends SuiteRunOptions {
  /** Base URL of the service under test; discovery is `{url}/.well-known/agent-configuration`. */
  url?: string;
  /** The discovery document's URL, when it is not at the default place. */
  discoveryUrl?: string;
  /** Base URL of the target's operator control hook (agent-auth-control/1). */
  controlUrl?: string;
  /** Start the built-in simulator for the run and test it instead of `url`. */
  embedded?: boolean;
  /** Which capability plays each role: the profile itself, or the path of its JSON file. */
  profile?: TargetProfile | string;
  /** Deadline per HTTP request (default 5000 ms). */
  timeoutMs?: number;
  /** Overall deadline per check (default 30000 ms). */
  checkTimeoutMs?: number;
  /** Checks run in parallel (default: 4, or 12 for a target 20 ms or more away). */
  concurrency?: number;
  /** Extra request headers sent with every request. */
  headers?: Record<string, string>;
}

/** Options that cannot describe a run (no target, a selection of no check): thrown, not reported. */
export class ConformanceOptionsError extends Error {
  override name = 'ConformanceOptionsError';
}

/**
 * Runs the server suite and returns the report. What the target does wrong is in the report (failed
 * checks: `exit_code` 1; a target that cannot be set up: `setup.ok` false, `exit_code` 2); options
 * that describe no run, and profile or baseline files that cannot be read, throw.
 */
export async function runServerSuite(options: ServerSuiteOptions): Promise<ServerReport> {
  const embedded = options.embedded ?? false;
  if (embedded && (options.url || options.discoveryUrl || options.controlUrl))
    throw new ConformanceOptionsError(
      'embedded runs against the built-in simulator; leave out url, discoveryUrl, controlUrl',
    );
  if (!embedded && !options.url && !options.discoveryUrl)
    throw new ConformanceOptionsError('give the service to test as url (or discoveryUrl), or set embedded');
  const only = parsePatterns(options.only);
  const skip = parsePatterns(options.skip);
  if (selectChecks(serverChecks, only, skip).length === 0)
    throw new ConformanceOptionsError(noCheckSelectedMessage(serverChecks.length, 'only/skip'));
  const formats = [...(options.formats ?? REPORT_FORMATS)];
  const report = await runServerTarget({
    toolVersion: packageInfo.version,
    url: options.url,
    discoveryUrl: options.discoveryUrl,
    controlUrl: options.controlUrl,
    embedded,
    checks: serverChecks,
    only,
    skip,
    strict: options.strict ?? false,
    seed: runSeed(options),
    timeoutMs: options.timeoutMs ?? 5000,
    checkTimeoutMs: options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    headers: { ...options.headers },
    formats,
    recordExchanges: options.recordExchanges ?? 'failures',
    onResult: options.onResult,
    profile: await profileOption(options.profile),
    ...(options.baseline !== undefined && {
      baseline: { baseline: await loadBaseline(options.baseline), file: options.baseline },
    }),
  });
  if (options.out !== undefined) await writeReports(report, options.out, formats);
  return report;
}

async function profileOption(profile: ServerSuiteOptions['profile']): Promise<ServerRunConfig['profile']> {
  if (profile === undefined) return undefined;
  if (typeof profile === 'string') return { profile: await loadProfile(profile), source: 'file', path: profile };
  // Given by the caller as a --profile file would be; only the path is missing from the report.
  return { profile, source: 'file' };
}

/**
 * Runs a configured suite: against the target named in `config`, or, when `config.embedded`, against
 * a simulator started for the run and stopped after it (a given profile is merged over the
 * simulator's own). Shared by `runServerSuite` and the `server` command; `beforeChecks` sees the profile the
 * run uses, once the target is known.
 */
export async function runServerTarget(
  config: ServerRunConfig,
  hooks: { beforeChecks?: (profile: ServerRunConfig['profile']) => void } = {},
): Promise<ServerReport> {
  if (!config.embedded) {
    hooks.beforeChecks?.(config.profile);
    return runServerConformance(config);
  }
  // Acting as the operator, the run allows loopback JWKS fetching only when the profile declares it.
  const simulator = await startSimulator(
    config.profile?.profile.jwksLoopbackAllowed ? { allowLoopbackJwks: true } : {},
  );
  try {
    // A given profile adjusts the simulator's own (see `simulate --print-profile`) rather than
    // replacing it: a file naming one role would otherwise leave every other role empty.
    const profile: ServerRunConfig['profile'] = config.profile
      ? { ...config.profile, profile: mergeProfiles(config.profile.profile, simulator.profile) }
      : { profile: simulator.profile, source: 'embedded' };
    hooks.beforeChecks?.(profile);
    return await runServerConformance({ ...config, url: simulator.origin, controlUrl: simulator.controlUrl, profile });
  } finally {
    await simulator.close();
  }
}
