import { clientScenarios } from '../../suites/client/index.ts';
import { createDriver, type DriverOptions, type ToolMapping } from '../client-harness/drivers/index.ts';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_SCENARIO_TIMEOUT_MS } from '../client-harness/engine.ts';
import { DEFAULT_CLIENT_CONCURRENCY, runClientConformance } from '../client-harness/run.ts';
import { loadBaseline } from '../harness/baseline.ts';
import { parsePatterns } from '../harness/patterns.ts';
import type { ActiveWorkaround, ClientReport } from '../model/index.ts';
import { packageInfo } from '../package-files.ts';
import { REPORT_FORMATS, writeReports } from '../reports/write.ts';
import { runSeed, type SuiteRunOptions } from './run-options.ts';

/**
 * The client under test and how to drive it (the `client` command's --driver options):
 * `{ driver: 'mcp', command }` (MCP over stdio; `{issuer}` and `{tmp}` are filled in),
 * `{ driver: 'mcp', url }` (MCP over Streamable HTTP), `{ driver: 'command', config }` (tools.json)
 * or `{ driver: 'module', module }` (an in-process adapter; see AdapterFactory).
 */
export type ClientUnderTest = Omit<DriverOptions, 'callTimeoutMs'>;

/** What `runClientSuite` needs: the client, and the same choices the `client` command offers. */
export interface ClientSuiteOptions extends SuiteRunOptions {
  client: ClientUnderTest;
  /** Deadline per tool call. */
  callTimeoutMs?: number;
  /** Overall deadline per scenario. */
  scenarioTimeoutMs?: number;
  /** Scenarios run in parallel (each with its own simulator and client). */
  concurrency?: number;
}

/**
 * Runs the client suite (each scenario against its own simulator) and returns the report. A driver
 * configuration that cannot work (no command, unreadable tools.json or adapter) throws.
 */
export async function runClientSuite(options: ClientSuiteOptions): Promise<ClientReport> {
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const formats = [...(options.formats ?? REPORT_FORMATS)];
  const report = await runClientConformance({
    toolVersion: packageInfo.version,
    driver: await createDriver({ ...options.client, callTimeoutMs }),
    scenarios: clientScenarios,
    only: parsePatterns(options.only),
    skip: parsePatterns(options.skip),
    strict: options.strict ?? false,
    seed: runSeed(options),
    callTimeoutMs,
    scenarioTimeoutMs: options.scenarioTimeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS,
    concurrency: options.concurrency ?? DEFAULT_CLIENT_CONCURRENCY,
    formats,
    recordExchanges: options.recordExchanges ?? 'failures',
    workarounds: mappingWorkarounds(options.client.mapping),
    onResult: options.onResult,
    ...(options.baseline !== undefined && {
      baseline: { baseline: await loadBaseline(options.baseline), file: options.baseline },
    }),
  });
  if (options.out !== undefined) await writeReports(report, options.out, formats);
  return report;
}

/** Each declared mapping entry as a workaround the report names (the `client` command's too). */
export function mappingWorkarounds(mapping: ToolMapping | undefined): ActiveWorkaround[] {
  if (mapping === undefined) return [];
  return Object.entries(mapping.tools).map(([tool, entry]) => {
    const renamed = [
      entry.name === undefined ? undefined : `tool ${tool} is called ${entry.name}`,
      ...Object.entries(entry.arguments ?? {}).map(([spec, client]) => `argument ${spec} is sent as ${client}`),
      ...Object.entries(entry.results ?? {}).map(([spec, client]) => `result field ${spec} is read from ${client}`),
    ].filter((part): part is string => part !== undefined);
    return {
      name: `mapping.${tool}`,
      value: renamed.join('; '),
      effect: `the suite calls ${tool} by its spec name and arguments and reads spec field names, translated to and from the client's names`,
      reason: entry.reason ?? mapping.reason ?? 'declared in the client profile',
      requirements: [`AAP-6`],
      still_tested_by: [],
    };
  });
}
