import packageJson from '../../package.json' with { type: 'json' };
import { serverChecks } from '../../suites/server/index.ts';
import { parseProfile, type TargetProfile } from '../../src/harness/target-profile.ts';
import { DEFAULT_CONCURRENCY } from '../../src/harness/runner.ts';
import { runServerConformance } from '../../src/harness/session.ts';
import type { CheckResult, Report } from '../../src/model/index.ts';
import {
  SIMULATOR_PROFILE,
  startSimulator,
  type FaultName,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/sim/index.ts';

/** Requests one agent may send before the `restricted` simulator answers 429 (and the burst the profile declares). */
const RATE_LIMIT = 200;

/**
 * Simulator set-ups the self-test runs the suite against. `default` is exactly what `server --embedded`
 * runs. `restricted` switches on what the default leaves off, so the checks that are not applicable
 * (or skipped) by default get exercised too: a single registration mode, authenticated-only capability
 * listing, a rate limit the profile declares, and JWKS fetches from the harness's loopback JWKS hosts
 * (declared too, RUL-JWKS-LOOPBACK). The rate limit is well above what any one identity sends during a
 * run apart from the rate-limit checks' own bursts (anonymous introspection, limited per client address, shares
 * one bucket across the run).
 */
export const CONFIGURATIONS = {
  default: { simulator: {}, profile: SIMULATOR_PROFILE },
  restricted: {
    simulator: {
      modes: ['delegated'],
      capabilityListRequiresAuth: true,
      rateLimit: { limit: RATE_LIMIT, windowSeconds: 60 },
      allowLoopbackJwks: true,
    },
    profile: { ...SIMULATOR_PROFILE, rateLimit: { burst: RATE_LIMIT }, jwksLoopbackAllowed: true },
  },
} as const satisfies Record<string, { simulator: SimulatorOptions; profile: unknown }>;
export type ConfigurationName = keyof typeof CONFIGURATIONS;
export const CONFIGURATION_NAMES = Object.keys(CONFIGURATIONS) as ConfigurationName[];

/**
 * Checks a set-up leaves out. The restricted set-up changes registration modes, capability listing,
 * the rate limit and JWKS fetching; of the state walk (half the suite) only the cells that list or
 * describe capabilities, or compare the views, can answer differently there, so the rest of the
 * walk runs in the default set-up only (which runs every check; simulator-passes.test.ts proves it).
 */
const SET_UP_SKIPS: Record<ConfigurationName, readonly string[]> = {
  default: [],
  restricted: serverChecks
    .filter((check) => check.cell !== undefined && !['list', 'describe', 'views-agree'].includes(check.cell.operation))
    .map((check) => check.id),
};

export interface SimulatedRunOptions {
  configuration?: ConfigurationName;
  faults?: readonly FaultName[];
  /** SHOULD failures score `failed` (so a breached SHOULD fails the run). */
  strict?: boolean;
  /**
   * Checks run in parallel within the run: the runner's default when absent, so self-tests do not
   * depend on how loaded the machine is; 'auto' lets the harness choose for the target as the CLI does.
   */
  concurrency?: number | 'auto';
  /** Which checks keep their exchanges in the report (the runner's default: failures only). */
  recordExchanges?: 'all' | 'failures';
  /** Check id patterns to run (all when absent). */
  only?: string[];
  /** Check id patterns to leave out. */
  skip?: string[];
}

export const SELFTEST_SEED = 20_240_601;

export interface ConfiguredSimulator {
  simulator: RunningSimulator;
  profile: TargetProfile;
}

/** Starts a fresh simulator in one of the self-test set-ups, with the given faults. */
export async function startConfiguredSimulator(
  configuration: ConfigurationName = 'default',
  faults: readonly FaultName[] = [],
  /** Further simulator options, e.g. `latencyMs` for the bench. */
  extra: SimulatorOptions = {},
): Promise<ConfiguredSimulator> {
  const chosen = CONFIGURATIONS[configuration];
  const simulator = await startSimulator({ ...chosen.simulator, ...extra, faults });
  return { simulator, profile: parseProfile(chosen.profile, 'the self-test profile') };
}

/** Runs the server suite in-process against a running simulator and returns the report. */
export function runSuite(
  { simulator, profile }: ConfiguredSimulator,
  options: Omit<SimulatedRunOptions, 'configuration' | 'faults'> = {},
): Promise<Report> {
  return runServerConformance({
    toolVersion: packageJson.version,
    url: simulator.origin,
    controlUrl: simulator.controlUrl,
    embedded: true,
    profile: { profile, source: 'embedded' },
    checks: serverChecks,
    only: options.only ?? [],
    skip: options.skip ?? [],
    strict: options.strict ?? false,
    seed: SELFTEST_SEED,
    timeoutMs: 5000,
    ...(options.concurrency !== 'auto' && { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY }),
    headers: {},
    formats: [],
    ...(options.recordExchanges === undefined ? {} : { recordExchanges: options.recordExchanges }),
  });
}

/** Starts a fresh simulator, runs the server suite against it and returns the report. */
export async function runAgainstSimulator(options: SimulatedRunOptions = {}): Promise<Report> {
  const target = await startConfiguredSimulator(options.configuration, options.faults);
  try {
    const skip = [...(options.skip ?? []), ...SET_UP_SKIPS[options.configuration ?? 'default']];
    return await runSuite(target, { ...options, skip });
  } finally {
    await target.simulator.stop();
  }
}

/** Runs `worker` over `items` with at most `limit` in flight; results keep the order of `items`. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await worker(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** `id [status]: message` lines for the given results. */
export function describeResults(results: readonly CheckResult[]): string[] {
  return results.map((result) => `${result.id} [${result.status}]: ${result.message ?? '(no message)'}`);
}
