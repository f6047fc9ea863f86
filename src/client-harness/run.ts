import { applyBaseline, type Baseline } from '../harness/baseline.ts';
import { buildCoverage, readCatalogue } from '../harness/coverage.ts';
import { isSelected } from '../harness/patterns.ts';
import type { RunPosition } from '../harness/progress.ts';
import {
  CLIENT_AREAS,
  SPEC_VERSION,
  summarize,
  TOOL_NAME,
  type ActiveWorkaround,
  type CheckResult,
  type ClientReport,
  type ExchangeRecording,
  type Setup,
} from '../model/index.ts';
import type { ClientDriver } from './drivers/driver.ts';
import { runScenario, type ScenarioEnvironment } from './engine.ts';
import type { Scenario } from './scenario.ts';

/**
 * Scenarios in flight by default. Most of a scenario's time is the client's real-time waiting
 * (approval intervals, Retry-After, quiet windows), not CPU, so four fit on two cores: the whole suite
 * against the reference client takes about 78 s at four and 100 s at two (`npm run bench`).
 */
export const DEFAULT_CLIENT_CONCURRENCY = 4;

export interface ClientRunConfig {
  toolVersion: string;
  driver: ClientDriver;
  scenarios: readonly Scenario[];
  only: string[];
  skip: string[];
  strict: boolean;
  seed: number;
  callTimeoutMs: number;
  scenarioTimeoutMs: number;
  concurrency: number;
  formats: string[];
  recordExchanges: ExchangeRecording;
  baseline?: { baseline: Baseline; file: string };
  /** The client profile as given (tool and field mappings), recorded in the report. */
  profile?: { profile: Record<string, unknown>; path: string };
  /** Declared mappings of tool, argument and result names: each is a workaround the report names. */
  workarounds: ActiveWorkaround[];
  /** Called as each scenario finishes (progress output), with how many have finished of how many. */
  onResult?: (result: CheckResult, position: RunPosition) => void;
}

/** Rejects scenario lists a run cannot report on faithfully: duplicate ids, unknown areas. */
export function validateScenarios(scenarios: readonly Scenario[]): void {
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    if (seen.has(scenario.id)) throw new Error(`duplicate scenario id: ${scenario.id}`);
    seen.add(scenario.id);
    if (!(CLIENT_AREAS as readonly string[]).includes(scenario.area))
      throw new Error(`scenario ${scenario.id} has unknown area "${scenario.area}"`);
  }
}

/** Runs the selected scenarios, a few at a time (each has its own simulator and client), into a report. */
export async function runClientConformance(config: ClientRunConfig): Promise<ClientReport> {
  const startedAt = new Date();
  validateScenarios(config.scenarios);
  const selected = config.scenarios.filter((scenario) => isSelected(scenario.id, config.only, config.skip));
  const notes: string[] = [];
  if (selected.length === 0) notes.push('no scenario matches the --only/--skip patterns');
  // Tools seen exposed by any started instance: a client may vary them with its state, the union is what it offers.
  const exposedTools = new Set<string>();
  const env: ScenarioEnvironment = {
    driver: config.driver,
    strict: config.strict,
    callTimeoutMs: config.callTimeoutMs,
    scenarioTimeoutMs: config.scenarioTimeoutMs,
    recordExchanges: config.recordExchanges,
    onToolsListed: (names) => {
      for (const name of names) exposedTools.add(name);
    },
  };
  const results = new Map<string, CheckResult>();
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(config.concurrency, selected.length)) }, async () => {
    while (next < selected.length) {
      const scenario = selected[next] as Scenario;
      next += 1;
      const result = await runScenario(scenario, env);
      results.set(scenario.id, result);
      config.onResult?.(result, { done: results.size, total: selected.length });
    }
  });
  await Promise.all(lanes);
  const checks = selected.map((scenario) => results.get(scenario.id) as CheckResult);
  const baseline = config.baseline
    ? applyBaseline(config.baseline.baseline, config.baseline.file, checks, new Set(config.scenarios.map((s) => s.id)))
    : null;
  const failed = baseline ? !baseline.ok : checks.some((result) => result.status === 'failed');
  const setup: Setup = {
    ok: true,
    notes,
    control: null,
    profile: config.profile?.profile ?? null,
    profile_source: config.profile ? 'file' : 'none',
    exchanges: [],
  };
  return assembleClientReport(config, {
    startedAt,
    setup,
    checks,
    baseline,
    exitCode: failed ? 1 : 0,
    tools: [...exposedTools].sort(),
  });
}

export function assembleClientReport(
  config: Omit<ClientRunConfig, 'scenarios' | 'onResult'>,
  parts: {
    startedAt: Date;
    setup: Setup;
    checks: CheckResult[];
    baseline: ClientReport['baseline'];
    exitCode: 0 | 1 | 2 | 3;
    tools: string[];
  },
): ClientReport {
  const finishedAt = new Date();
  const catalogue = readCatalogue();
  return {
    tool: { name: TOOL_NAME, version: config.toolVersion },
    spec_version: SPEC_VERSION,
    kind: 'client',
    target: { driver: config.driver.kind, description: config.driver.describe(), tools: parts.tools },
    seed: config.seed,
    started_at: parts.startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - parts.startedAt.getTime(),
    options: {
      only: config.only,
      skip: config.skip,
      strict: config.strict,
      timeout_ms: config.callTimeoutMs,
      check_timeout_ms: config.scenarioTimeoutMs,
      concurrency: config.concurrency,
      formats: config.formats,
      baseline: config.baseline?.file ?? null,
      profile: config.profile?.path ?? null,
      headers: [],
      record_exchanges: config.recordExchanges,
    },
    setup: parts.setup,
    workarounds: config.workarounds,
    summary: summarize(parts.checks),
    checks: parts.checks,
    coverage: buildCoverage('client', parts.checks, 'catalogue' in catalogue ? catalogue.catalogue : catalogue),
    baseline: parts.baseline,
    exit_code: parts.exitCode,
  };
}
