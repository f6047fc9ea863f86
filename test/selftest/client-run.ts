import packageJson from '../../package.json' with { type: 'json' };
import { clientScenarios } from '../../suites/client/index.ts';
import { createDriver } from '../../src/client-harness/drivers/index.ts';
import { runClientConformance } from '../../src/client-harness/run.ts';
import type { Scenario } from '../../src/client-harness/scenario.ts';
import type { ClientReport } from '../../src/model/index.ts';

/** The reference client as an MCP stdio server, allowed to talk to the simulator's plain-http loopback origin. */
export function referenceClientCommand(faults: readonly string[] = []): string {
  const faultFlags = faults.map((fault) => ` --fault ${fault}`).join('');
  return `${process.execPath} --import tsx src/reference-client/main.ts --provider {issuer} --state-dir {tmp} --allow-insecure-loopback${faultFlags}`;
}

/** Runs client scenarios against the reference client (with faults) through the real MCP stdio driver. */
export async function runAgainstReferenceClient(
  options: { faults?: readonly string[]; scenarios?: readonly Scenario[]; strict?: boolean; concurrency?: number } = {},
): Promise<ClientReport> {
  const driver = await createDriver({ driver: 'mcp', command: referenceClientCommand(options.faults) });
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
