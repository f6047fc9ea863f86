import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/client-harness/scenario.ts';
import { CLIENT_FAULTS, type ClientFaultDefinition } from '../../src/reference-client/faults.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { runAgainstReferenceClient } from './client-run.ts';

/** Faulty clients run side by side; each run's scenarios use the runner's own concurrency. */
const PARALLEL_FAULTS = 2;
/** Tests never write into reports/: the detection table goes to a temporary directory (or FAULT_TABLE_FILE). */
const TABLE_FILE =
  process.env['CLIENT_FAULT_TABLE_FILE'] ?? join(tmpdir(), 'agent-auth-conformance', 'client-fault-detection.md');

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

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function markdownTable(detections: readonly Detection[]): string {
  const cell = (ids: readonly string[]) => (ids.length === 0 ? '—' : ids.map((id) => `\`${id}\``).join('<br>'));
  const rows = detections.map((d) =>
    [`\`${d.fault.name}\``, d.fault.requirements.join(', '), cell(d.attributed), cell(d.other), d.verdict].join(' | '),
  );
  const detected = detections.filter((d) => d.verdict === 'detected').length;
  return [
    '# Client fault detection',
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

describe('every reference-client fault is caught by the client suite', () => {
  it(`fails a scenario citing the fault's requirements, for every fault outside the known gaps`, async () => {
    const detections = await mapWithConcurrency(FAULTS_UNDER_TEST, PARALLEL_FAULTS, detect);
    const table = markdownTable(detections);
    await mkdir(join(TABLE_FILE, '..'), { recursive: true });
    await writeFile(TABLE_FILE, table, 'utf8');
    console.info(`${table}\n(table written to ${TABLE_FILE})`);
    const missed = detections
      .filter((d) => d.verdict !== 'detected' && !KNOWN_GAPS.has(d.fault.name))
      .map((d) => `${d.fault.name} (${d.verdict}; breaks ${d.fault.requirements.join(', ')})`);
    expect(missed, `faults not caught at the right scenario:\n  ${missed.join('\n  ')}`).toEqual([]);
    const closed = detections
      .filter((d) => d.verdict === 'detected' && KNOWN_GAPS.has(d.fault.name))
      .map((d) => d.fault.name);
    expect(closed, 'now detected: remove these from KNOWN_GAPS').toEqual([]);
  }, 900_000);
});
