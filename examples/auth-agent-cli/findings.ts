/**
 * Renders FINDINGS.md of the `@auth/agent-cli` certification from its report.json and the hand-written
 * analysis (analysis.ts). Every quote (verdicts, tool calls and results, requests) is taken from the
 * report, so FINDINGS.md always describes the run the reports in the same directory hold.
 *
 *   tsx examples/auth-agent-cli/findings.ts [<report dir>]    # re-renders <dir>/FINDINGS.md from <dir>/report.json
 *
 * certify.ts calls renderFindings after every complete run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckResult, ClientReport, Exchange, TranscriptEntry } from '../../src/model/index.ts';
import {
  cell,
  claimChecks,
  claimTable,
  countsTable,
  deviationHeading,
  deviationTable,
  fenced,
  oneLine,
  requirementList,
  unanalysedSection,
  verdictLines,
} from '../findings-markdown.ts';
import { DEVIATIONS, NOT_REACHED, SUITE_NOTES, UNJUDGED_CAUSES, type Deviation } from './analysis.ts';
import { CLIENT_COMMIT, CLIENT_NAME, CLIENT_REPOSITORY, LAUNCH_ENV } from './launch.ts';

const JUDGED = new Set(['failed', 'warning']);
const UNJUDGED = new Set(['error', 'not-applicable', 'skipped']);

function reproduce(id: string): string {
  return fenced(
    `AGENT_CLI_DIST=<path to packages/cli/dist> npm run certify:auth-agent-cli -- --only ${id} --out <scratch dir>`,
    'sh',
  );
}

/** The tool calls of the scenario with what the client answered, from its transcript. */
function toolCalls(check: CheckResult): string[] {
  const entries: TranscriptEntry[] = check.transcript?.entries ?? [];
  const lines: string[] = [];
  for (const entry of entries) {
    if (entry.kind === 'call') {
      lines.push(`→ ${entry.tool} ${oneLine(entry.arguments, 300)}`);
    } else if (entry.kind === 'result') {
      if (entry.error !== undefined) lines.push(`← ${entry.error.kind}: ${oneLine(entry.error.message, 300)}`);
      else if (entry.result !== undefined)
        lines.push(
          `← ${entry.result.is_error ? 'tool error' : 'ok'} (${Math.round(entry.duration_ms)} ms): ${oneLine(entry.result.json ?? entry.result.text, 600)}`,
        );
    }
  }
  return lines;
}

/** Stderr lines worth quoting (not the start-up warning every run prints). */
function stderrLines(check: CheckResult): string[] {
  return (check.transcript?.entries ?? [])
    .filter((entry): entry is Extract<TranscriptEntry, { kind: 'stderr' }> => entry.kind === 'stderr')
    .map((entry) => entry.line)
    .filter((line) => !line.includes('Private keys will be stored unencrypted'))
    .slice(0, 12);
}

function requestLine(exchange: Exchange): string {
  const auth = exchange.request.jwt?.header?.['typ'];
  const status = exchange.response?.status ?? exchange.error?.kind ?? '?';
  return `#${exchange.seq} ${exchange.request.method} ${exchange.request.url}${auth ? ` [${String(auth)}]` : ''} → ${status}`;
}

function exchangeDetail(exchange: Exchange): string {
  const parts = [requestLine(exchange)];
  if (exchange.request.jwt?.header) parts.push(`JWT header: ${oneLine(exchange.request.jwt.header)}`);
  if (exchange.request.jwt?.claims) parts.push(`JWT claims: ${oneLine(exchange.request.jwt.claims, 600)}`);
  if (exchange.request.body) parts.push(`request body: ${oneLine(exchange.request.body, 600)}`);
  if (exchange.response?.body) parts.push(`response body: ${oneLine(exchange.response.body, 600)}`);
  return parts.join('\n');
}

/** The evidence of one failed or warned scenario, quoted from the report. */
function evidence(report: ClientReport, check: CheckResult, extra: string[] = []): string {
  const out = verdictLines(report, check);
  for (const line of extra) out.push(`- ${line}`);
  const calls = toolCalls(check);
  if (calls.length > 0) {
    out.push('- Tool calls and results (transcript):');
    out.push('');
    out.push(fenced(calls.join('\n')));
    out.push('');
  }
  const stderr = stderrLines(check);
  if (stderr.length > 0) {
    out.push("- The client's stderr during the scenario:");
    out.push('');
    out.push(fenced(stderr.join('\n')));
    out.push('');
  }
  if (check.exchanges.length > 0) {
    out.push(`- Requests the client sent (${check.exchanges.length}):`);
    out.push('');
    const pointed = check.failure?.exchange;
    out.push(
      fenced(
        check.exchanges
          .map((exchange) => (exchange.seq === pointed ? exchangeDetail(exchange) : requestLine(exchange)))
          .join('\n'),
      ),
    );
    out.push('');
  } else {
    out.push('- The client sent no request to the simulator.');
  }
  out.push('- Reproduce:');
  out.push('');
  out.push(reproduce(check.id));
  return out.join('\n');
}

/** How a scenario shows a deviation: the hand-written note for it, else what the deviation recognises in its evidence. */
function howShown(deviation: Deviation, check: CheckResult): string | undefined {
  return deviation.scenarios[check.id]?.how ?? deviation.recognise?.(check);
}

function causeOf(check: CheckResult): string {
  return (
    UNJUDGED_CAUSES.find((entry) => entry.applies(check))?.cause ??
    (check.status === 'not-applicable'
      ? 'The client exposes no tool of that name (see the message).'
      : 'Not yet analysed: see the scenario in report.html.')
  );
}

export function renderFindings(report: ClientReport): string {
  const checks = report.checks;
  const judged = checks.filter((check) => JUDGED.has(check.status));
  const claimed = new Map<string, { deviation: Deviation; number: number }>();
  const shown: { deviation: Deviation; number: number; checks: CheckResult[] }[] = [];
  const owner = claimChecks(
    judged,
    DEVIATIONS,
    (deviation, id) => deviation.scenarios[id] !== undefined,
    (deviation, check) => deviation.recognise?.(check) !== undefined,
  );
  for (const deviation of DEVIATIONS) {
    const mine = judged.filter((check) => owner.get(check.id) === deviation);
    if (mine.length === 0) continue;
    const number = shown.length + 1;
    for (const check of mine) claimed.set(check.id, { deviation, number });
    shown.push({ deviation, number, checks: mine });
  }
  const unclaimed = judged.filter((check) => !claimed.has(check.id));
  const unjudged = checks.filter((check) => UNJUDGED.has(check.status));
  const passed = checks.filter((check) => check.status === 'passed' || check.status === 'info');
  const out: string[] = [];

  out.push(`# ${CLIENT_NAME} — client conformance findings`);
  out.push('');
  out.push(
    '_Generated by `examples/auth-agent-cli/findings.ts` from `report.json` in this directory and the hand-written analysis in `examples/auth-agent-cli/analysis.ts`; every quote below is from that report._',
  );
  out.push('');
  out.push('## What was run');
  out.push('');
  out.push(
    `The client suite of ${report.tool.name} ${report.tool.version} (Agent Auth Protocol ${report.spec_version}, ${report.summary.total} scenarios) against ${CLIENT_NAME}, built from ${CLIENT_REPOSITORY} at commit \`${CLIENT_COMMIT}\` (see \`examples/auth-agent-cli/README.md\`). Run started ${report.started_at} (UTC), seed ${report.seed}, ${report.options.timeout_ms} ms per tool call unless a scenario asks for more, ${report.options.check_timeout_ms} ms per scenario unless it sets its own deadline, concurrency ${report.options.concurrency}. Each scenario started a fresh simulator on 127.0.0.1 and a fresh CLI process with an empty state directory:`,
  );
  out.push('');
  out.push(fenced(`${report.target.description}\n(environment: ${LAUNCH_ENV.join(' ')})`));
  out.push('');
  out.push(
    `Client profile \`${report.options.profile ?? '(none)'}\` declares ${report.workarounds.reduce((sum, workaround) => sum + workaround.value.split('; ').length, 0)} name mapping(s) for ${report.workarounds.length} tool(s); each mapping is a declared workaround that every report names, and none changes behaviour:`,
  );
  out.push('');
  for (const workaround of report.workarounds)
    out.push(`- \`${workaround.name}\`: ${workaround.value}. ${workaround.reason}.`);
  out.push('');
  out.push('Reproduce the whole run (regenerates `report.json`, `report.md`, `report.html` and this file):');
  out.push('');
  out.push(fenced('AGENT_CLI_DIST=<path to packages/cli/dist> npm run certify:auth-agent-cli', 'sh'));
  out.push('');
  out.push(
    'One scenario: add `-- --only <scenario id> --out <scratch dir>` (a run with `--only` writes no FINDINGS.md). Ports, ids, keys and tokens differ from run to run.',
  );
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push(countsTable(report, 'scenarios'));
  out.push('');
  out.push(
    `${judged.length} scenario(s) failed or warned; they come from ${shown.length} deviation(s) of the client${unclaimed.length > 0 ? `, plus ${unclaimed.length} not yet analysed` : ''}. ${unjudged.length} scenario(s) reached no verdict (see "Not judged"). Requirement coverage over the client-observable requirements: ${report.coverage.observable_counts.passed} passed, ${report.coverage.observable_counts.failed} failed, ${report.coverage.observable_counts.warned} warned, ${report.coverage.observable_counts.skipped} skipped, ${report.coverage.observable_counts.untested} untested.`,
  );
  out.push('');
  if (shown.length > 0) {
    out.push(
      ...deviationTable(
        shown.map(({ deviation, number, checks: mine }) => ({ number, deviation, count: mine.length })),
        'Scenarios',
      ),
    );
    out.push('');
  }
  out.push(...claimTable(judged, 'Scenario', (check) => claimed.get(check.id)?.number));
  out.push('');

  out.push('## Deviations');
  out.push('');
  for (const { deviation, number, checks: mine } of shown) {
    out.push(...deviationHeading(report, number, deviation));
    out.push('');
    out.push(deviation.analysis);
    out.push('');
    for (const check of mine) {
      const entry = deviation.scenarios[check.id];
      out.push(`#### \`${check.id}\` — ${check.title}`);
      out.push('');
      out.push(howShown(deviation, check)!.replace(/\n/g, ' '));
      out.push('');
      out.push(evidence(report, check, entry?.extra?.(check)));
      out.push('');
    }
  }
  out.push(
    ...unanalysedSection(unclaimed, 'Failed or warned, not yet analysed', 'scenarios', (check) =>
      evidence(report, check),
    ),
  );

  out.push('## Not judged');
  out.push('');
  if (unjudged.length === 0) out.push('Every scenario reached a verdict.');
  else {
    out.push(
      'These scenarios reached no verdict on their requirements: the client never got to the behaviour they observe. The coverage map counts a requirement cited only by such scenarios as skipped.',
    );
    out.push('');
    out.push('| Scenario | Status | Cited requirements | Message | Why |');
    out.push('|---|---|---|---|---|');
    for (const check of unjudged) {
      out.push(
        `| \`${check.id}\` | ${check.status} | ${check.requirements.join(', ')} | ${cell((check.message ?? '').split('\n')[0] ?? '')} | ${causeOf(check)} |`,
      );
    }
  }
  out.push('');
  out.push('## Known behaviour this run could not judge');
  out.push('');
  out.push(
    "Read in the client's source and seen in smoke runs outside the suite, not judged by this report: the scenarios that observe them stop at deviation 1 before reaching them. They are listed so that their absence from the deviations above is not read as conformance; they are expected to fail once the scenarios get that far.",
  );
  out.push('');
  out.push('| Requirement | Behaviour | Scenario that would judge it | Status in this run |');
  out.push('|---|---|---|---|');
  for (const item of NOT_REACHED) {
    const statuses = item.scenarios
      .map((id) => `\`${id}\`: ${checks.find((check) => check.id === id)?.status ?? 'not in this run'}`)
      .join('; ');
    out.push(
      `| ${requirementList(report, item.requirements)} | ${item.behaviour.replace(/\|/g, '\\|')} | ${item.scenarios.map((id) => `\`${id}\``).join(', ')} | ${statuses} |`,
    );
  }
  out.push('');
  out.push('## Passed');
  out.push('');
  out.push(
    passed.length === 0
      ? 'No scenario passed.'
      : passed.map((check) => `- \`${check.id}\` (${check.requirements.join(', ')})`).join('\n'),
  );
  out.push('');
  out.push('## Notes on the suite');
  out.push('');
  const notes = SUITE_NOTES.filter((entry) => entry.applies(report));
  if (notes.length === 0) out.push('Nothing in the suite looked wrong in this run.');
  for (const { note } of notes) {
    out.push(`- ${note.replace(/\n/g, ' ')}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? 'reports/auth-agent-cli-0.4.5';
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as ClientReport;
  await writeFile(join(dir, 'FINDINGS.md'), renderFindings(report), 'utf8');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
