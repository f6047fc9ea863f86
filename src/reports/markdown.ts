import { rootCauses } from './root-causes.ts';
import {
  AREAS,
  CHECK_STATUSES,
  describeExchange,
  ranLine,
  ranShare,
  skipReasons,
  targetName,
  type CheckResult,
  type Report,
} from '../model/index.ts';
import { failureLines } from './failure.ts';

/** Escapes text for a Markdown table cell or list item. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`).replace(/\r?\n/g, ' ');
}

function firstLine(text: string | undefined): string {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function listItem(result: CheckResult): string[] {
  const cites = result.requirements.length > 0 ? ` (${result.requirements.map(md).join(', ')})` : '';
  const known = result.baseline === 'known-failure' ? ' — known failure (baseline)' : '';
  const lines = [`- **${md(result.id)}** [${result.level}]${cites}${known}: ${md(firstLine(result.message))}`];
  for (const line of failureLines(result)) lines.push(`  - ${md(line)}`);
  const shown =
    result.exchanges.find((exchange) => exchange.seq === result.failure?.exchange) ?? result.exchanges.at(-1);
  if (shown) lines.push(`  - exchange #${shown.seq}: ${md(describeExchange(shown))}`);
  return lines;
}

/** A prominent quote block naming each active workaround with its reason; nothing when none is active. */
function workaroundsNotice(report: Report): string[] {
  if (report.workarounds.length === 0) return [];
  const lines = [
    `> **⚠️ Workarounds active (${report.workarounds.length}).** The target profile declared known deviations that the harness stepped around so the rest of the suite could observe the server; the results below hold only with them. The checks named for each still test the deviation itself.`,
    '>',
  ];
  for (const workaround of report.workarounds) {
    const checks = workaround.still_tested_by.map((id) => `\`${id}\``).join(', ');
    lines.push(
      `> - \`${workaround.name}: ${workaround.value}\` — ${md(workaround.effect)}. **Reason:** ${md(workaround.reason)} (${workaround.requirements.map(md).join(', ')}). Still tested by ${checks}.`,
    );
  }
  return [...lines, ''];
}

/** A Markdown summary fit for a CI step summary: verdict, table by area, failures and warnings. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [`# Agent Auth conformance — ${report.kind}`, ''];
  const target = targetName(report);
  out.push(
    `Target: \`${target.replaceAll('`', '')}\` · spec ${report.spec_version} · ${report.tool.name} ${report.tool.version} · seed ${report.seed}`,
    '',
  );
  const mostlySkipped = report.setup.ok && ranShare(report.summary).share < 0.5;
  const verdict = [
    mostlySkipped
      ? '⚠️ no failure beyond the baseline among the checks that ran — most of the suite did not run'
      : '✅ no failure beyond the baseline',
    '❌ conformance failures',
    '⚠️ setup or usage error',
    '🛑 internal harness error',
  ][report.exit_code];
  out.push(`**Result:** ${verdict} (exit ${report.exit_code})`, '');
  if (report.setup.ok) out.push(`**Ran:** ${ranLine(report.summary)}.`, '');
  if (report.kind === 'client')
    out.push(
      `**Tools exposed:** ${report.target.tools.map((tool) => `\`${tool.replaceAll('`', '')}\``).join(', ') || 'none seen'}`,
      '',
    );
  out.push(...workaroundsNotice(report));
  if (!report.setup.ok) {
    out.push(`**Setup error:** ${md(report.setup.error ?? '')}`, '');
    for (const note of report.setup.notes) out.push(`- ${md(note)}`);
    return `${out.join('\n')}\n`;
  }
  out.push(`| area | ${CHECK_STATUSES.join(' | ')} |`, `|---|${CHECK_STATUSES.map(() => '---:').join('|')}|`);
  for (const area of AREAS) {
    const counts = report.summary.by_area[area];
    if (counts) out.push(`| ${area} | ${CHECK_STATUSES.map((status) => counts[status]).join(' | ')} |`);
  }
  out.push(`| **total** | ${CHECK_STATUSES.map((status) => `**${report.summary.counts[status]}**`).join(' | ')} |`, '');

  const causes = rootCauses(report);
  if (causes.length > 0) {
    out.push('## Shared causes', '');
    for (const { cause, checks } of causes)
      out.push(`- \`${cause.replaceAll('`', '')}\` blocks ${checks.length} checks: ${checks.map(md).join(', ')}`);
    out.push('');
  }
  const sections: [string, CheckResult['status']][] = [
    ['Failures', 'failed'],
    ['Errors (broken preconditions, operator hook or harness)', 'error'],
    ['Warnings (SHOULD)', 'warning'],
  ];
  for (const [title, status] of sections) {
    const results = report.checks.filter((result) => result.status === status);
    if (results.length === 0) continue;
    out.push(`## ${title} (${results.length})`, '', ...results.flatMap(listItem), '');
  }
  const skipped = skipReasons(report.checks);
  if (skipped.length > 0) {
    out.push(`## Skipped (${report.summary.counts.skipped}): why, and how to enable them`, '');
    for (const { reason, count } of skipped) out.push(`- ${count} × ${md(reason)}`);
    out.push('');
  }
  const baseline = report.baseline;
  if (baseline) {
    out.push(`## Baseline (${md(baseline.file)})`, '', `- known failures: ${baseline.known_failures.length}`);
    for (const id of baseline.new_failures) out.push(`- new failure: ${md(id)}`);
    for (const entry of baseline.fixed) out.push(`- now passes, remove from baseline: ${md(entry.check)}`);
    for (const entry of baseline.stale) out.push(`- names no known check: ${md(entry.check)}`);
    out.push('');
  }
  const coverage = report.coverage;
  const counted = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ');
  out.push(
    `Requirement coverage (${report.kind}-observable requirements): ${counted(coverage.observable_counts)}${coverage.catalogue === 'unavailable' ? ' (catalogue unavailable)' : ''}.`,
    '',
  );
  return `${out.join('\n')}\n`;
}
