import { expect } from 'vitest';
import type { Report } from '../../src/model/index.ts';
import { FAULTS, type FaultDefinition, type FaultName } from '../../src/sim/index.ts';
import { serverChecks } from '../../suites/server/index.ts';
import type { FaultShardPlan } from './fault-shard.ts';
import { CONFIGURATION_NAMES, runAgainstSimulator, type ConfigurationName } from './simulated-run.ts';

/**
 * Whether one simulator fault fails the server suite at a check citing a requirement it breaks.
 *
 * Each fault runs only the checks that can catch it: those citing one of its requirements, plus the
 * state-walk checks of the cells it names. The verdict depends on nothing else: `detected` needs a
 * failing check citing the fault's requirements (the subset holds every one the whole-suite run
 * held; the state walk stays out for a fault naming no cells, as it did there) and, for a fault of
 * the state machine, a failing check at each of its cells (in the subset too); checks run
 * independently of each other, so leaving the rest out cannot change how those end. What the rest
 * would add is only the diagnosis of a miss (did the fault fail an unrelated check instead?), so a
 * fault the subset misses runs again against the whole suite and reports that; FAULTS_FULL_RUN=1
 * runs every fault against the whole suite, to fill the table's "other failing checks" column. A
 * few sampled faults run both ways in every run, checking that independence (SAMPLED below).
 *
 * Checks failing without any fault would say nothing about a fault. None do: simulator-passes.test.ts
 * fails unless every check of both set-ups passes, is skipped or not applicable: it refuses warnings
 * too, the only results strict scoring turns into failures. So the fault-free baseline the old
 * single-file test subtracted is empty whenever the suite is green, and is not computed any more
 * (two whole runs).
 */

export type Verdict = 'detected' | 'wrongly attributed' | 'undetected' | 'wrong cell' | 'subset disagrees';

export interface Detection {
  fault: FaultDefinition;
  verdict: Verdict;
  /** The set-up whose run is reported: the first that caught the fault, else the last tried. */
  configuration: ConfigurationName;
  /** Failing checks citing one of the fault's requirements. */
  attributed: string[];
  /** Failing checks citing none of them. */
  other: string[];
  /** Whether the checks run were the whole suite (rather than the fault's subset). */
  wholeSuite: boolean;
}

const FULL_RUN = process.env['FAULTS_FULL_RUN'] === '1';

/**
 * Faults that run the whole suite as well, a sample checking what the subset rests on: that the
 * checks citing a fault's requirements fail alike whether or not the rest of the suite runs beside
 * them. Two: the first fault, and the first fault of the state machine (each costs a whole run).
 */
const SAMPLED = new Set<string>([
  ...FAULTS.slice(0, 1).map((fault) => fault.name),
  ...FAULTS.filter((fault) => fault.cells !== undefined)
    .slice(0, 1)
    .map((fault) => fault.name),
]);

/** Ids of the checks that can catch `fault`: those citing its requirements, and its cells' checks. */
export function checksFor(fault: FaultDefinition): string[] {
  const cells = new Set((fault.cells ?? []).map((cell) => `server.state.${cell}`));
  // The state walk joins in only for the faults that name cells of it: every other fault is caught
  // elsewhere (the self-test proves it), and the walk is most of a run's time.
  const walk = fault.cells !== undefined;
  return serverChecks
    .filter((check) => cells.has(check.id) || check.requirements.some((id) => fault.requirements.includes(id)))
    .filter((check) => walk || check.area !== 'state')
    .map((check) => check.id);
}

function judge(
  fault: FaultDefinition,
  report: Report,
  configuration: ConfigurationName,
  wholeSuite: boolean,
): Detection {
  const failing = report.checks.filter((result) => result.status === 'failed');
  const cites = (requirements: readonly string[]) => requirements.some((id) => fault.requirements.includes(id));
  const attributed = failing.filter((result) => cites(result.requirements)).map((result) => result.id);
  const other = failing.filter((result) => !cites(result.requirements)).map((result) => result.id);
  // A fault of the state machine must fail the state walk at exactly the cells it makes wrong.
  const failingIds = new Set(failing.map((result) => result.id));
  const cellMissed = (fault.cells ?? []).some((cell) => !failingIds.has(`server.state.${cell}`));
  const verdict: Verdict =
    attributed.length > 0
      ? cellMissed
        ? 'wrong cell'
        : 'detected'
      : other.length > 0
        ? 'wrongly attributed'
        : 'undetected';
  return { fault, verdict, configuration, attributed, other, wholeSuite };
}

/** Runs the checks given (strict, so a breached SHOULD fails too) in one set-up. */
async function runWith(
  fault: FaultDefinition,
  configuration: ConfigurationName,
  only: string[],
  skip: string[],
): Promise<Detection> {
  const faults = [fault.name as FaultName];
  const report = await runAgainstSimulator({ configuration, faults, strict: true, only, skip });
  return judge(fault, report, configuration, only.length === 0);
}

/** The whole suite's patterns to leave out for `fault`: the state walk unless the fault names cells of it. */
const wholeSuiteSkip = (fault: FaultDefinition) => (fault.cells === undefined ? ['server.state.*'] : []);

/** Runs the checks given in each set-up until one catches the fault. */
async function detectWith(fault: FaultDefinition, only: string[], skip: string[]): Promise<Detection> {
  let detection: Detection | undefined;
  for (const configuration of CONFIGURATION_NAMES) {
    const found = await runWith(fault, configuration, only, skip);
    // A wrong attribution is kept over a later silent run: it is the more telling finding.
    if (detection === undefined || found.verdict !== 'undetected') detection = found;
    if (found.verdict === 'detected') break;
  }
  return detection as Detection;
}

/**
 * Runs the suite against a simulator with `fault`, first in the default set-up, then in the others
 * until one catches it: some faults only bite where the behaviour they break is switched on (a
 * single mode, a rate limit).
 */
export async function detect(fault: FaultDefinition): Promise<Detection> {
  const wholeSuite = () => detectWith(fault, [], wholeSuiteSkip(fault));
  if (FULL_RUN) return wholeSuite();
  const only = checksFor(fault);
  const found = only.length === 0 ? undefined : await detectWith(fault, only, []);
  if (found?.verdict !== 'detected') return wholeSuite();
  return SAMPLED.has(fault.name) ? crossCheck(found) : found;
}

/** The whole suite's detection of a sampled fault, which must fail exactly the checks the subset failed. */
async function crossCheck(subset: Detection): Promise<Detection> {
  const whole = await runWith(subset.fault, subset.configuration, [], wholeSuiteSkip(subset.fault));
  const same = [...whole.attributed].sort().join() === [...subset.attributed].sort().join();
  if (whole.verdict === 'detected' && same) return whole;
  const differences = `the subset failed ${subset.attributed.join(', ')}; the whole suite ${whole.attributed.join(', ')}`;
  return { ...whole, verdict: 'subset disagrees', other: [...whole.other, differences] };
}

/** One line saying how a fault was missed, for the assertion message. */
export function describeMiss(d: Detection): string {
  const cells = d.fault.cells ? ` at cells ${d.fault.cells.join(', ')}` : '';
  const instead = d.other.length ? `; failing instead: ${d.other.join(', ')}` : '';
  return `${d.fault.name} (${d.verdict}; breaks ${d.fault.requirements.join(', ')}${cells}${instead})`;
}

export function markdownTable(detections: readonly Detection[], title: string): string {
  const cell = (ids: readonly string[]) => (ids.length === 0 ? '—' : ids.map((id) => `\`${id}\``).join('<br>'));
  const others = (d: Detection) => (d.wholeSuite ? cell(d.other) : 'not run');
  const rows = detections.map((d) =>
    [
      `\`${d.fault.name}\``,
      d.fault.requirements.join(', '),
      d.configuration,
      cell(d.attributed),
      others(d),
      d.verdict,
    ].join(' | '),
  );
  const detected = detections.filter((d) => d.verdict === 'detected').length;
  return [
    `# ${title}`,
    '',
    `${detected} of ${detections.length} simulator faults detected at a check citing a requirement the fault breaks.`,
    'Runs are strict (SHOULD failures fail). Each fault runs the checks citing its requirements and its cells;',
    'a fault they miss runs the whole suite ("other failing checks" is "not run" otherwise; FAULTS_FULL_RUN=1 fills it).',
    '',
    '| fault | breaks | set-up | failing checks citing those requirements | other failing checks | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

/** The simulator-fault self-test, run as faults-detected.shard-<n>.test.ts. */
export const SERVER_FAULT_SHARDS: FaultShardPlan<FaultDefinition, Detection> = {
  title: 'every simulator fault is caught by the suite',
  filePrefix: 'faults-detected',
  directory: import.meta.dirname,
  shardCount: 3,
  parallel: 3,
  faults: FAULTS,
  label: (fault) => `${fault.name}: fails a check citing ${fault.requirements.join(', ')}`,
  detect,
  verify: (detection) => expect(detection.verdict, describeMiss(detection)).toBe('detected'),
  table: markdownTable,
  tableName: 'fault-detection',
};
