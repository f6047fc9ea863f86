/**
 * Renders FINDINGS.md of a better-auth certification (`@better-auth/agent-auth` 0.6.2) from its
 * report.json and the hand-written analysis (analysis.ts). Every quote (messages, exchanges, status
 * lines, requests, answers, replay lines) and every count, date and port is taken from the report, so
 * FINDINGS.md always describes the run the reports in the same directory hold.
 *
 *   tsx examples/better-auth/findings.ts                    # re-renders both published FINDINGS.md
 *   tsx examples/better-auth/findings.ts <report dir> [--settings conformance|library-defaults]
 *
 * Without --settings a directory named `library-defaults` is taken for that run. certify.ts calls
 * renderFindings after every run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  curlLine,
  describeExchange,
  type CheckResult,
  type Exchange,
  type ServerReport,
} from '../../src/model/index.ts';
import {
  cell,
  claimChecks,
  claimTable,
  countsTable,
  cut,
  deviationHeading,
  deviationTable,
  fenced,
  oneLine,
  requirementList,
  unanalysedSection,
  verdictLines,
} from '../findings-markdown.ts';
import {
  AGENT_CAP_ANALYSIS,
  DEVIATIONS,
  keyExchanges,
  RATE_LIMIT_ANALYSIS,
  SETTINGS,
  SUITE_HISTORY,
  UNJUDGED_CAUSES,
  WORKAROUND_NOTES,
  type Deviation,
} from './analysis.ts';
import type { TargetSettings } from './auth.ts';

/** What the certification runs against; the report names only its URL. */
const TARGET = 'better-auth 1.7.25 with the `@better-auth/agent-auth` plugin 0.6.2, used as published';
const JUDGED = new Set(['failed', 'warning', 'info']);
const UNJUDGED = new Set(['error', 'not-applicable', 'skipped']);
/** Answer headers worth quoting beside the status. */
const NOTABLE_HEADERS = ['retry-after', 'x-retry-after', 'www-authenticate', 'location'];
/** How many one-line exchanges a check lists before it says how many more there are. */
const LISTED_EXCHANGES = 20;

function port(report: ServerReport): string {
  try {
    return new URL(report.target.url ?? '').port || '(default)';
  } catch {
    return '(unknown)';
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function exchangeLine(exchange: Exchange): string {
  return `#${exchange.seq}${exchange.label ? ` ${exchange.label}` : ''}: ${oneLine(describeExchange(exchange), 300)}`;
}

/** The request as an HTTP message, the bearer token replaced by a pointer to its decoded form. */
function requestMessage(request: Exchange['request']): string {
  const lines = [`${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === 'x-conformance-check') continue;
    const decoded = request.jwt?.header !== undefined;
    if (name.toLowerCase() === 'authorization' && decoded) {
      lines.push(`${name}: Bearer <${String(request.jwt?.header?.['typ'] ?? 'JWT')}, decoded below>`);
    } else {
      lines.push(`${name}: ${cut(value, 200)}`);
    }
  }
  if (request.body !== undefined) lines.push('', cut(request.body, 600));
  return lines.join('\n');
}

/** One exchange in full: request, decoded token, answer (status, notable headers, shortened body), replay line. */
function exchangeDetail(exchange: Exchange): string[] {
  const out = [`**#${exchange.seq}${exchange.label ? ` \`${exchange.label}\`` : ''}**`, ''];
  out.push(fenced(requestMessage(exchange.request), 'http'));
  const jwt = exchange.request.jwt;
  if (jwt?.header !== undefined || jwt?.claims !== undefined) {
    out.push('Token (decoded):');
    out.push(fenced(cut(JSON.stringify({ header: jwt.header, claims: jwt.claims }), 1500), 'json'));
  } else if (jwt?.error !== undefined) {
    out.push(`Token: not decodable (${oneLine(jwt.error, 200)}).`);
  }
  const response = exchange.response;
  if (response === undefined) {
    out.push(
      `No answer: ${exchange.error?.kind ?? 'none'}${exchange.error ? `: ${oneLine(exchange.error.message, 300)}` : ''}.`,
    );
  } else {
    const headers = NOTABLE_HEADERS.filter((name) => response.headers[name] !== undefined).map(
      (name) => `${name}: ${response.headers[name]}`,
    );
    out.push(`Answer: \`${response.status}\`${headers.length > 0 ? ` (${headers.join(', ')})` : ''}`);
    if (response.events !== undefined) {
      const events = response.events.map((event) => `event: ${event.event}\ndata: ${cut(event.data, 300)}`);
      out.push(fenced(events.slice(0, 12).join('\n\n')));
    } else if (response.body !== undefined && response.body !== '') {
      out.push(fenced(cut(response.body, 600), response.body.trimStart().startsWith('{') ? 'json' : ''));
    }
  }
  out.push('Replay:');
  out.push(fenced(curlLine(exchange.request), 'sh'));
  return out;
}

/** The evidence of one check, quoted from the report: verdict, notes, its requests, the key ones in full. */
function evidence(report: ServerReport, check: CheckResult, key: Exchange[]): string {
  const out = verdictLines(report, check);
  if (check.baseline !== undefined) out.push(`- Baseline: ${check.baseline}.`);
  for (const note of check.notes) out.push(`- Note: ${oneLine(note, 600)}`);
  if (check.exchanges.length > 0) {
    const listed = check.exchanges.slice(0, LISTED_EXCHANGES).map(exchangeLine);
    const more = check.exchanges.length - listed.length;
    out.push(`- Requests of the check (${check.exchange_count}):`);
    out.push('');
    out.push(fenced([...listed, ...(more > 0 ? [`… ${more} more in report.json`] : [])].join('\n')));
  } else {
    out.push('- The check sent no request.');
  }
  if (key.length > 0) {
    out.push('');
    out.push(key.length === 1 ? 'Key exchange:' : 'Key exchanges:');
    out.push('');
    out.push(key.map((exchange) => exchangeDetail(exchange).join('\n')).join('\n\n'));
  }
  return out.join('\n');
}

function keyOf(deviation: Deviation, check: CheckResult): Exchange[] {
  return (deviation.checks[check.id]?.key ?? deviation.key ?? keyExchanges)(check);
}

function howShown(deviation: Deviation, check: CheckResult): string {
  return (deviation.checks[check.id]?.how ?? deviation.recognise?.(check) ?? '').replace(/\n/g, ' ');
}

function statusCounts(checks: readonly CheckResult[]): string {
  const counts = new Map<string, number>();
  for (const check of checks) counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

function idList(ids: readonly string[], max = 12): string {
  const shown = ids.slice(0, max).map((id) => `\`${id}\``);
  return ids.length > max ? `${shown.join(', ')} and ${ids.length - max} more` : shown.join(', ');
}

/** Checks the target refused with 429, by the request it refused (the first 429 of the check, else its message). */
function throttled(report: ServerReport): { where: string; checks: CheckResult[]; first: Exchange | undefined }[] {
  const groups = new Map<string, { checks: CheckResult[]; first: Exchange | undefined }>();
  for (const check of report.checks) {
    if (check.status === 'passed') continue;
    const exchange = check.exchanges.find((candidate) => candidate.response?.status === 429);
    const refused = /(\S+) answered 429\b/.exec(check.message ?? '')?.[1];
    let where: string | undefined;
    if (exchange !== undefined) {
      where = `${exchange.label ?? exchange.request.method} (\`${exchange.request.method} ${pathOf(exchange.request.url)}\`)`;
    } else if (refused !== undefined) {
      where = `the control adapter's sign-in for an operator step (better-auth's \`${refused}\`)`;
    }
    if (where === undefined) continue;
    const group = groups.get(where) ?? { checks: [], first: undefined };
    group.checks.push(check);
    if (exchange !== undefined && (group.first === undefined || exchange.started_at < group.first.started_at))
      group.first = exchange;
    groups.set(where, group);
  }
  return [...groups].map(([where, group]) => ({ where, ...group })).sort((a, b) => b.checks.length - a.checks.length);
}

/** What the 429 answers carry that §5.13 and §8.13 ask about, from the first one. */
function throttleAnswer(exchange: Exchange): string {
  const headers = exchange.response?.headers ?? {};
  let code: unknown;
  try {
    code = (JSON.parse(exchange.response?.body ?? '') as { error?: unknown } | null)?.error;
  } catch {
    code = undefined;
  }
  const wait =
    headers['retry-after'] !== undefined
      ? `names its wait in \`Retry-After\` (${headers['retry-after']} s)`
      : headers['x-retry-after'] !== undefined
        ? `names its wait in \`X-Retry-After\` (${headers['x-retry-after']} s), not in the \`Retry-After\` header §8.13 names`
        : 'names no wait';
  const format =
    typeof code === 'string'
      ? `carries the error code \`${code}\``
      : 'carries no `error` member (§5.13 asks for `rate_limited`)';
  return `The answer ${format} and ${wait}. The rate-limit checks, skipped in this run (see "Not judged"), would judge that; it is not counted as a finding here.`;
}

function rateLimitSection(report: ServerReport, settings: TargetSettings): string[] {
  const groups = throttled(report);
  const checks = groups.flatMap((group) => group.checks);
  const rerun = report.checks.filter((check) => check.notes.some((note) => note.startsWith('throttled:')));
  if (checks.length === 0 && rerun.length === 0) return [];
  const out = ['## Shared cause: the rate limiter', ''];
  if (rerun.length > 0) {
    out.push(
      `${rerun.length} of the run's ${report.summary.total} checks met a \`429\` and ran again from their start once the wait the limiter asked for had passed, while no other check started (at most ${report.options.throttle_retries ?? 3} times each); ${statusCounts(rerun)} in the end. The run took ${Math.round(report.duration_ms / 60_000)} minutes.`,
    );
    out.push('');
  }
  if (checks.length > 0) {
    out.push(
      `${checks.length} check${checks.length === 1 ? '' : 's'} (${statusCounts(checks)}) still met a \`429\` after that and reached no verdict on their own requirements:`,
    );
    out.push('');
    out.push('| Refused request | Checks | Status |');
    out.push('|---|---:|---|');
    for (const group of groups) out.push(`| ${group.where} | ${group.checks.length} | ${statusCounts(group.checks)} |`);
    out.push('');
  }
  const first = groups
    .map((group) => group.first)
    .filter((exchange): exchange is Exchange => exchange !== undefined)
    .sort((a, b) => (a.started_at < b.started_at ? -1 : 1))[0];
  if (first !== undefined) {
    out.push(
      `The first refusal of the run, at ${first.started_at} (the run started ${report.started_at}), in \`${first.check}\`:`,
    );
    out.push('');
    out.push(...exchangeDetail(first));
    out.push('');
    out.push(throttleAnswer(first));
    out.push('');
  }
  out.push(RATE_LIMIT_ANALYSIS);
  out.push('');
  if (settings === 'library-defaults') {
    const capped = report.checks.filter((check) =>
      check.exchanges.some((exchange) => exchange.response?.body?.includes('agent_limit_reached') === true),
    );
    out.push('### The per-user agent cap');
    out.push('');
    out.push(
      `${capped.length === 0 ? 'No check' : `${capped.length} check${capped.length === 1 ? '' : 's'}`} of this run met \`agent_limit_reached\`${capped.length > 0 ? ` (${idList(capped.map((check) => check.id))})` : ''}; the harness ran with \`keep\` ${report.options.keep === true ? 'on' : 'off'} and ${report.options.concurrency} checks at a time. ${AGENT_CAP_ANALYSIS}`,
    );
    out.push('');
  }
  return out;
}

function workaroundSection(report: ServerReport): string[] {
  if (report.workarounds.length === 0) return [];
  const out = [`## Declared workaround${report.workarounds.length > 1 ? 's' : ''}`, ''];
  for (const workaround of report.workarounds) {
    out.push(`### \`${workaround.name}: ${workaround.value}\``);
    out.push('');
    out.push(`- Effect: ${workaround.effect}.`);
    out.push(`- Reason: ${workaround.reason} (${requirementList(report, workaround.requirements)}).`);
    out.push(
      `- Still tested by: ${workaround.still_tested_by
        .map((id) => `\`${id}\` (${report.checks.find((check) => check.id === id)?.status ?? 'not in this run'})`)
        .join(', ')}.`,
    );
    out.push('');
    const note = WORKAROUND_NOTES[workaround.name];
    if (note !== undefined) {
      out.push(note);
      out.push('');
    }
  }
  return out;
}

function causeOf(check: CheckResult): string | undefined {
  return UNJUDGED_CAUSES.find((entry) => entry.applies(check))?.cause;
}

function notJudgedSection(unjudged: readonly CheckResult[]): string[] {
  const out = ['## Not judged', ''];
  if (unjudged.length === 0) return [...out, 'Every check reached a verdict.', ''];
  out.push(
    'These checks reached no verdict on their requirements (a broken precondition, an operator step the control adapter cannot perform, or nothing to observe on this target). The coverage map counts a requirement cited only by such checks as skipped.',
  );
  out.push('');
  out.push('| Why | Checks | Status |');
  out.push('|---|---|---|');
  const groups = new Map<string, CheckResult[]>();
  const unexplained: CheckResult[] = [];
  for (const check of unjudged) {
    const cause = causeOf(check);
    if (cause === undefined) unexplained.push(check);
    else groups.set(cause, [...(groups.get(cause) ?? []), check]);
  }
  for (const [cause, checks] of groups)
    out.push(
      `| ${cause.replace(/\|/g, '\\|')} | ${idList(checks.map((check) => check.id))} | ${statusCounts(checks)} |`,
    );
  for (const check of unexplained)
    out.push(
      `| Not yet analysed: ${cell((check.message ?? '').split('\n')[0] ?? '')} | \`${check.id}\` | ${check.status} |`,
    );
  out.push('');
  return out;
}

function reproduceBlock(report: ServerReport, settings: TargetSettings): string[] {
  const { reproduce, directory } = SETTINGS[settings];
  const lines = [
    `${reproduce}   # regenerates report.json, report.md, report.html and this file`,
    `npx tsx examples/better-auth/findings.ts ${directory}   # re-renders this file from report.json`,
  ];
  if (settings === 'conformance')
    lines.push('npx vitest run test/examples/better-auth-conformance.test.ts   # the same run as a CI test');
  return [
    'Reproduce from the repository root:',
    '',
    fenced(lines.join('\n'), 'sh'),
    '',
    `Every request of a check that did not pass is in \`report.json\` (\`checks[].exchanges[]\`) and \`report.html\`, with a \`curl\` replay line; the exchanges below are quoted from there. The replay lines name port ${port(report)} of this run and tokens that expired a minute after they were minted: to replay one, start the target on that port (\`npx tsx examples/better-auth/server.ts --port ${port(report)}\`) and re-create the state. Ports, ids, keys and tokens differ from run to run.`,
    '',
  ];
}

export function renderFindings(report: ServerReport, settings: TargetSettings = 'conformance'): string {
  const checks = report.checks;
  const judged = checks.filter((check) => JUDGED.has(check.status));
  const owner = claimChecks(
    judged,
    DEVIATIONS,
    (deviation, id) => deviation.checks[id] !== undefined,
    (deviation, check) => deviation.recognise?.(check) !== undefined,
  );
  const shown = DEVIATIONS.map((deviation) => ({
    deviation,
    checks: judged.filter((check) => owner.get(check.id) === deviation),
  })).filter((entry) => entry.checks.length > 0);
  const unshown = DEVIATIONS.filter((deviation) => !shown.some((entry) => entry.deviation === deviation));
  const unclaimed = judged.filter((check) => !owner.has(check.id));
  const unjudged = checks.filter((check) => UNJUDGED.has(check.status));
  const frame = SETTINGS[settings];
  const out: string[] = [];

  out.push(`# better-auth + @better-auth/agent-auth 0.6.2 — ${frame.title}`);
  out.push('');
  out.push(
    '_Generated by `examples/better-auth/findings.ts` from `report.json` in this directory and the hand-written analysis in `examples/better-auth/analysis.ts`; every quote below is from that report._',
  );
  out.push('');
  out.push('## What was run');
  out.push('');
  const control = report.setup.control;
  out.push(
    `The whole server suite of ${report.tool.name} ${report.tool.version} (Agent Auth Protocol ${report.spec_version}, ${report.summary.total} checks) against the reference target in \`examples/better-auth/\`: ${TARGET}, at \`${report.target.url}\` (issuer \`${report.target.issuer}\`). Control adapter: ${control === null ? 'none' : `\`${control.url}\` (${control.supports.length} operations: ${control.supports.join(', ')})`}. Profile \`${report.options.profile ?? '(none)'}\`${report.options.baseline === null ? ', no baseline' : `, baseline \`${report.options.baseline}\``}, seed ${report.seed}, ${report.options.timeout_ms} ms per request, ${report.options.check_timeout_ms} ms per check, concurrency ${report.options.concurrency}. The run started ${report.started_at} and ended ${report.finished_at} (UTC); exit code ${report.exit_code}.`,
  );
  out.push('');
  out.push(frame.description);
  out.push('');
  out.push(...reproduceBlock(report, settings));
  out.push(...workaroundSection(report));
  out.push(...rateLimitSection(report, settings));

  out.push('## Summary');
  out.push('');
  out.push(countsTable(report, 'checks'));
  out.push('');
  const oc = report.coverage.observable_counts;
  out.push(
    `${judged.length} check(s) failed, warned or informed; they come from ${shown.length} deviation(s) of the server${unclaimed.length > 0 ? `, plus ${unclaimed.length} not yet analysed` : ''}. ${unjudged.length} check(s) reached no verdict (see "Not judged"). Requirement coverage over the server-observable requirements: ${oc.passed} passed, ${oc.failed} failed, ${oc.warned} warned, ${oc.skipped} skipped, ${oc.untested} untested.`,
  );
  if (report.baseline !== null) {
    const b = report.baseline;
    out.push('');
    out.push(
      `The baseline \`${b.file}\` lists ${b.known_failures.length} of these checks as known failures; new failures: ${b.new_failures.length}, fixed: ${b.fixed.length}, stale: ${b.stale.length}, unverified: ${b.unverified.length} (${b.ok ? 'the run matches it' : 'the run does not match it'}).`,
    );
  }
  out.push('');
  if (shown.length > 0) {
    out.push(
      ...deviationTable(
        shown.map(({ deviation, checks: mine }) => ({ number: deviation.number, deviation, count: mine.length })),
        'Checks',
      ),
    );
    out.push('');
    out.push(
      "Levels follow the suite's scoring: MUST-level checks fail, SHOULD-level checks warn, MAY-level checks inform; a deviation whose checks mix levels shows the strictest. Deviations keep their numbers in every findings document of this target.",
    );
    out.push('');
  }
  if (unshown.length > 0 && shown.length > 0) {
    out.push(
      `Not observed in this run (their checks reached no verdict or passed): ${unshown.map((deviation) => `${deviation.number}`).join(', ')}.`,
    );
    out.push('');
  }
  if (judged.length > 0) {
    out.push(...claimTable(judged, 'Check', (check) => owner.get(check.id)?.number));
    out.push('');
  }

  out.push('## Deviations');
  out.push('');
  for (const { deviation, checks: mine } of shown) {
    out.push(...deviationHeading(report, deviation.number, deviation));
    out.push('');
    const workaround = report.workarounds.find((entry) => entry.name === deviation.workaround);
    if (workaround !== undefined) {
      out.push(
        `Worked around for the rest of the suite by the profile's \`${workaround.name}: ${workaround.value}\` (see "Declared workaround"); the checks below ignore it.`,
      );
      out.push('');
    }
    out.push(deviation.analysis);
    out.push('');
    for (const check of mine) {
      out.push(`#### \`${check.id}\` — ${check.title}`);
      out.push('');
      out.push(howShown(deviation, check));
      out.push('');
      out.push(evidence(report, check, keyOf(deviation, check)));
      out.push('');
    }
  }
  if (unshown.length > 0) {
    out.push('### Deviations not observed in this run');
    out.push('');
    out.push('| # | Deviation | Its checks in this run |');
    out.push('|---|---|---|');
    for (const deviation of unshown) {
      const named = checks.filter((check) => deviation.checks[check.id] !== undefined);
      out.push(
        `| ${deviation.number} | ${deviation.title} | ${named.length === 0 ? 'none in this run' : statusCounts(named)} |`,
      );
    }
    out.push('');
  }
  out.push(
    ...unanalysedSection(unclaimed, 'Failed, warned or informational, not yet analysed', 'checks', (check) =>
      evidence(report, check, keyExchanges(check)),
    ),
  );
  out.push(...notJudgedSection(unjudged));
  if (settings === 'conformance') out.push(SUITE_HISTORY);
  return `${out.join('\n').trimEnd()}\n`;
}

/** The settings a report directory holds a run of, by its name. */
export function settingsOf(dir: string): TargetSettings {
  return basename(dir) === 'library-defaults' ? 'library-defaults' : 'conformance';
}

/** Renders `<dir>/FINDINGS.md` from `<dir>/report.json`. */
export async function writeFindings(dir: string, settings: TargetSettings = settingsOf(dir)): Promise<void> {
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as ServerReport;
  await writeFile(join(dir, 'FINDINGS.md'), renderFindings(report, settings), 'utf8');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { settings: { type: 'string' } }, allowPositionals: true });
  const settings = values.settings;
  if (settings !== undefined && settings !== 'conformance' && settings !== 'library-defaults') {
    throw new Error(`--settings is conformance or library-defaults, not ${settings}`);
  }
  const dirs = positionals.length > 0 ? positionals : Object.values(SETTINGS).map((frame) => frame.directory);
  for (const dir of dirs) await writeFindings(dir, settings ?? settingsOf(dir));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
