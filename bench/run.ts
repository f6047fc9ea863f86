/**
 * How fast is a full run, and how much of it is the harness rather than HTTP? Runs the whole server
 * suite against the embedded simulator, then replays every recorded exchange with plain fetch against
 * the same simulator and compares. Prints figures only; nothing here asserts a time.
 */
import { serverChecks } from '../suites/server/index.ts';
import { DEFAULT_CONCURRENCY } from '../src/harness/runner.ts';
import type { Exchange } from '../src/model/index.ts';
import type { Report } from '../src/model/index.ts';
import { mapWithConcurrency, runSuite, startConfiguredSimulator } from '../test/selftest/simulated-run.ts';
import { runAgainstReferenceClient } from '../test/selftest/client-run.ts';

const GOAL_SUITE_MS = 20_000;
/** The whole server suite against a simulator this far away (`npm run bench -- --latency 100`). */
const GOAL_SUITE_AT_LATENCY_MS = 45_000;
const GOAL_OVERHEAD = 0.3;
/** The whole client suite against the reference client (a fresh simulator and client process per scenario). */
const GOAL_CLIENT_SUITE_MS = 90_000;
const CLIENT_CONCURRENCIES = [2, 4];
const REPLAY_TIMEOUT_MS = 5000;

/**
 * Sends one recorded request again as it was sent, reading the whole answer (streams included);
 * returns whether the status matched the recorded one.
 */
async function replay(exchange: Exchange): Promise<boolean> {
  const { method, url, headers, body } = exchange.request;
  try {
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(REPLAY_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status === exchange.response?.status;
  } catch {
    // Refused or timed out, as some recorded exchanges were: the time spent still counts.
    return exchange.response === undefined;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Each check's exchanges in order, grouped the way the runner ran them: shared checks, then exclusive ones. */
function exchangesByCheck(report: Report): { shared: Exchange[][]; exclusive: Exchange[][] } {
  const exclusiveIds = new Set(serverChecks.filter((check) => check.exclusive).map((check) => check.id));
  const shared: Exchange[][] = [];
  const exclusive: Exchange[][] = [];
  for (const result of report.checks) {
    if (result.exchanges.length === 0) continue;
    (exclusiveIds.has(result.id) ? exclusive : shared).push(result.exchanges);
  }
  return { shared, exclusive };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;

async function main(): Promise<void> {
  const target = await startConfiguredSimulator('default');
  try {
    const concurrency = DEFAULT_CONCURRENCY;
    const { value: report, ms: wallMs } = await timed(() => runSuite(target, { concurrency, recordExchanges: 'all' }));
    const checkExchanges = report.checks.flatMap((result) => result.exchanges);
    const all = [...report.setup.exchanges, ...checkExchanges];
    const recordedMs = all.reduce((sum, exchange) => sum + exchange.duration_ms, 0);
    const checkMs = report.checks.reduce((sum, result) => sum + result.duration_ms, 0);
    const checkHttpMs = checkExchanges.reduce((sum, exchange) => sum + exchange.duration_ms, 0);

    const { value: sameStatus, ms: sequentialMs } = await timed(async () => {
      let same = 0;
      for (const exchange of all) if (await replay(exchange)) same += 1;
      return same;
    });
    const { shared, exclusive } = exchangesByCheck(report);
    const { ms: structuredMs } = await timed(async () => {
      for (const exchange of report.setup.exchanges) await replay(exchange);
      await mapWithConcurrency(shared, concurrency, async (exchanges) => {
        for (const exchange of exchanges) await replay(exchange);
      });
      for (const exchanges of exclusive) for (const exchange of exchanges) await replay(exchange);
    });

    const overhead = (wallMs - structuredMs) / structuredMs;
    const lines = [
      'agent-auth-conformance bench: full server suite against the embedded simulator',
      '(in this process: simulator, harness and replays share one event loop, as in `server --embedded`)',
      `checks: ${report.checks.length} (${report.summary.counts.passed} passed), concurrency ${concurrency}`,
      `HTTP exchanges: ${all.length} (${report.setup.exchanges.length} setup, ${checkExchanges.length} in checks; control API included)`,
      `wall time of the run: ${seconds(wallMs)}   (goal: whole suite < ${seconds(GOAL_SUITE_MS)}: ${wallMs < GOAL_SUITE_MS ? 'met' : 'NOT met'})`,
      `sum of recorded exchange durations: ${seconds(recordedMs)}`,
      `sum of check durations: ${seconds(checkMs)}, of which outside HTTP: ${seconds(checkMs - checkHttpMs)} (harness work, plus waits a check makes on purpose such as async poll intervals)`,
      '',
      'raw replay: every recorded request (method, URL, headers, body) sent again with plain fetch to the same',
      'simulator, whole answer read. Replayed tokens are refused as replays, so the server often answers',
      `differently (and earlier): ${sameStatus} of ${all.length} replayed requests got the recorded status.`,
      `  sequential, one at a time:                         ${seconds(sequentialMs)}   run / raw = ${(wallMs / sequentialMs).toFixed(2)}`,
      `  as the run did it (each check's requests in order, ${concurrency} checks at a time, exclusive checks alone):`,
      `                                                     ${seconds(structuredMs)}   run / raw = ${(wallMs / structuredMs).toFixed(2)}`,
      `harness overhead over the same-concurrency replay: ${percent(overhead)}   (goal: < ${percent(GOAL_OVERHEAD)}: ${overhead < GOAL_OVERHEAD ? 'met' : 'NOT met'})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await target.simulator.stop();
  }
}

/**
 * The client suite's time is mostly client start-up and the real-time waits scenarios make (approval
 * polling, retries): it is measured at more than one concurrency to show where the default should sit.
 */
async function benchClientSuite(): Promise<void> {
  const lines = ['', 'client suite against the reference client (MCP stdio, one client process per scenario):'];
  for (const concurrency of CLIENT_CONCURRENCIES) {
    const { value: report, ms } = await timed(() => runAgainstReferenceClient({ concurrency }));
    const counts = report.summary.counts;
    lines.push(
      `  concurrency ${concurrency}: ${report.checks.length} scenarios (${counts.passed} passed) in ${seconds(ms)}   (goal: < ${seconds(GOAL_CLIENT_SUITE_MS)}: ${ms < GOAL_CLIENT_SUITE_MS ? 'met' : 'NOT met'})`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `--latency <ms>`: also time the server suite against a simulator answering after that delay. */
function latencyArgument(): number | undefined {
  const index = process.argv.indexOf('--latency');
  if (index < 0) return undefined;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error('--latency needs whole milliseconds');
  return value;
}

async function benchAtLatency(latencyMs: number): Promise<void> {
  // At a distance the run is bound by round trips, not CPU: the harness chooses its concurrency for
  // the target as the CLI does, and the figure is what a user gets without --concurrency.
  const target = await startConfiguredSimulator('default', [], { latencyMs });
  try {
    const { value: report, ms } = await timed(() => runSuite(target, { concurrency: 'auto' }));
    process.stdout.write(
      `\nserver suite against the simulator at ${latencyMs} ms per answer, concurrency ${report.options.concurrency} (chosen by the harness): ${report.checks.length} checks (${report.summary.counts.passed} passed) in ${seconds(ms)}   (goal: < ${seconds(GOAL_SUITE_AT_LATENCY_MS)}: ${ms < GOAL_SUITE_AT_LATENCY_MS ? 'met' : 'NOT met'})\n`,
    );
  } finally {
    await target.simulator.stop();
  }
}

const latencyMs = latencyArgument();
await main();
if (latencyMs !== undefined) await benchAtLatency(latencyMs);
await benchClientSuite();
