import packageJson from '../../package.json' with { type: 'json' };
import { clientScenarios } from '../../suites/client/index.ts';
import { createDriver } from '../../src/client-harness/drivers/index.ts';
import { runClientConformance } from '../../src/client-harness/run.ts';
import type { Scenario } from '../../src/client-harness/scenario.ts';
import type { ClientReport } from '../../src/model/index.ts';
import { referenceClientArgs } from '../reference-client/helpers.ts';

/** The reference client as an MCP stdio server, allowed to talk to the simulator's plain-http loopback origin. */
export async function referenceClientCommand(faults: readonly string[] = []): Promise<string> {
  const faultFlags = faults.map((fault) => ` --fault ${fault}`).join('');
  const start = [process.execPath, ...(await referenceClientArgs())].join(' ');
  return `${start} --provider {issuer} --state-dir {tmp} --allow-insecure-loopback${faultFlags}`;
}

/** Runs client scenarios against the reference client (with faults) through the real MCP stdio driver. */
export async function runAgainstReferenceClient(
  options: { faults?: readonly string[]; scenarios?: readonly Scenario[]; strict?: boolean; concurrency?: number } = {},
): Promise<ClientReport> {
  const driver = await createDriver({ driver: 'mcp', command: await referenceClientCommand(options.faults) });
  return runClientConformance({
    toolVersion: packageJson.version,
    driver,
    scenarios: options.scenarios ?? clientScenarios,
    only: [],
    skip: [],
    strict: options.strict ?? false,
    seed: 1,
    callTimeoutMs: 20_000,
    scenarioTimeoutMs: 30_000,
    concurrency: options.concurrency ?? 4,
    formats: [],
    recordExchanges: 'failures',
    workarounds: [],
  });
}
