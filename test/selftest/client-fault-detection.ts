import { expect } from 'vitest';
import type { Scenario } from '../../src/client-harness/scenario.ts';
import { CLIENT_FAULTS, type ClientFaultDefinition } from '../../src/reference-client/faults.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { runAgainstReferenceClient } from './client-run.ts';
import type { FaultShardPlan } from './fault-shard.ts';

/** CLIENT_FAULTS_ONLY=a,b runs just those faults (while working on a gap); the ratchet then covers only them. */
const ONLY = new Set((process.env['CLIENT_FAULTS_ONLY'] ?? '').split(',').filter(Boolean));
const FAULTS_UNDER_TEST = ONLY.size > 0 ? CLIENT_FAULTS.filter((fault) => ONLY.has(fault.name)) : CLIENT_FAULTS;

type Verdict = 'detected' | 'wrongly attributed' | 'undetected' | 'no scenario';

interface Detection {
  fault: ClientFaultDefinition;
  verdict: Verdict;
  scenarios: string[];
  /** Failing scenarios citing one of the fault's requirements. */
  attributed: string[];
  /** Failing (or erroring) scenarios citing none of them, with their message. */
  other: string[];
}

/** The scenarios that observe a requirement the fault breaks: only they can be expected to catch it. */
function citingScenarios(fault: ClientFaultDefinition): Scenario[] {
  return clientScenarios.filter((scenario) => scenario.requirements.some((id) => fault.requirements.includes(id)));
}

/**
 * Runs the scenarios citing the fault's requirements (strict, so a breached SHOULD fails too) against
 * the reference client with that fault. Running only those keeps the self-test fast; the reference
 * client passes the whole suite without faults (reference-client-passes.test.ts), so any failure here
 * is the fault's doing.
 */
async function detect(fault: ClientFaultDefinition): Promise<Detection> {
  const scenarios = citingScenarios(fault);
  const ids = scenarios.map((scenario) => scenario.id);
  if (scenarios.length === 0) return { fault, verdict: 'no scenario', scenarios: ids, attributed: [], other: [] };
  const report = await runAgainstReferenceClient({ faults: [fault.name], scenarios, strict: true, concurrency: 2 });
  const cites = (requirements: readonly string[]) => requirements.some((id) => fault.requirements.includes(id));
  const failing = report.checks.filter((check) => check.status === 'failed');
  const attributed = failing.filter((check) => cites(check.requirements)).map((check) => check.id);
  const other = report.checks
    .filter((check) => check.status === 'error' || (check.status === 'failed' && !cites(check.requirements)))
    .map((check) => `${check.id} (${check.status}: ${(check.message ?? '').slice(0, 160)})`);
  const verdict: Verdict = attributed.length > 0 ? 'detected' : other.length > 0 ? 'wrongly attributed' : 'undetected';
  return { fault, verdict, scenarios: ids, attributed, other };
}

function markdownTable(detections: readonly Detection[], title: string): string {
  const cell = (ids: readonly string[]) => (ids.length === 0 ? '—' : ids.map((id) => `\`${id}\``).join('<br>'));
  const rows = detections.map((d) =>
    [`\`${d.fault.name}\``, d.fault.requirements.join(', '), cell(d.attributed), cell(d.other), d.verdict].join(' | '),
  );
  const detected = detections.filter((d) => d.verdict === 'detected').length;
  return [
    `# ${title}`,
    '',
    `${detected} of ${detections.length} reference-client faults detected at a scenario citing a requirement the fault breaks.`,
    'Each fault runs the scenarios citing its requirements, strict (SHOULD failures fail).',
    '',
    '| fault | breaks | failing scenarios citing those requirements | other failing or erroring scenarios | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

/**
 * Faults the client suite does not catch yet, each one an open gap in the suite (not in the client).
 * A ratchet: the test fails when a fault outside this list goes undetected, and also when a listed
 * fault becomes detected, so the list only ever shrinks and never hides a regression.
 */
const KNOWN_GAPS: ReadonlySet<string> = new Set<string>([]);

function verify(d: Detection): void {
  if (KNOWN_GAPS.has(d.fault.name)) {
    expect(d.verdict, `${d.fault.name} is now detected: remove it from KNOWN_GAPS`).not.toBe('detected');
    return;
  }
  expect(d.verdict, `${d.fault.name} (${d.verdict}; breaks ${d.fault.requirements.join(', ')})`).toBe('detected');
}

/** The reference-client fault self-test, run as client-faults-detected.shard-<n>.test.ts. */
export const CLIENT_FAULT_SHARDS: FaultShardPlan<ClientFaultDefinition, Detection> = {
  title: 'every reference-client fault is caught by the client suite',
  filePrefix: 'client-faults-detected',
  directory: import.meta.dirname,
  shardCount: 3,
  // Each fault's run starts the reference client once per scenario, two scenarios at a time. No more
  // than that: some scenarios judge poll spacing with half a second to spare, which a CPU crowded
  // with clients starting up can eat (ignores-slow-down then slips through).
  parallel: 2,
  faults: FAULTS_UNDER_TEST,
  label: (fault) => `${fault.name}: fails a scenario citing ${fault.requirements.join(', ')}`,
  detect,
  verify,
  table: markdownTable,
  tableName: 'client-fault-detection',
};
