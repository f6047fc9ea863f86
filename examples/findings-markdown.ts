/**
 * Markdown pieces shared by the FINDINGS.md renderers of the certifications in examples/
 * (`auth-agent-cli/findings.ts` for a client, `better-auth/findings.ts` for a server): quoting, the
 * requirement list with sections, the counts table, and which deviation of an analysis claims a check.
 */
import type { CheckResult, Report } from '../src/model/index.ts';

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/** A value on one line (JSON unless it is a string), cut at `max` characters. */
export function oneLine(value: unknown, max = 400): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return cut((text ?? 'undefined').replace(/\s*\n\s*/g, ' '), max);
}

/** A fenced block whose fence cannot be closed by the content. */
export function fenced(text: string, lang = ''): string {
  const fence = text.includes('```') ? '````' : '```';
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Text for a table cell: one line, pipes escaped. */
export function cell(text: string, max = 160): string {
  return oneLine(text, max).replace(/\|/g, '\\|');
}

function sectionOf(report: Report, id: string): string | undefined {
  return report.coverage.requirements.find((entry) => entry.id === id)?.section;
}

/** Requirement ids with their spec sections, as the report's coverage map gives them. */
export function requirementList(report: Report, ids: readonly string[]): string {
  return ids
    .map((id) => {
      const section = sectionOf(report, id);
      return section === undefined ? `${id}` : `${id} (§${section})`;
    })
    .join(', ');
}

/** The verdict of a check as Markdown list lines: status and citations, message, expected and observed. */
export function verdictLines(report: Report, check: CheckResult): string[] {
  const out: string[] = [];
  out.push(
    `- Status: **${check.status}** (${check.level}); cites ${requirementList(report, check.requirements)}${check.rulings.length > 0 ? `; rulings ${check.rulings.join(', ')}` : ''}.`,
  );
  out.push(`- Verdict (\`checks[id=${check.id}].message\`):`);
  out.push('');
  out.push(fenced(check.message ?? '(none)'));
  out.push('');
  if (check.failure !== undefined) {
    out.push(`- Expected: \`${oneLine(check.failure.expected, 300)}\``);
    out.push(`- Observed: \`${oneLine(check.failure.observed, 500)}\``);
  }
  return out;
}

/** The status counts of a run; `noun` names what was run (scenarios, checks). */
export function countsTable(report: Report, noun: string): string {
  const c = report.summary.counts;
  return [
    `| ${noun} | passed | failed | warning | info | skipped | not applicable | error |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${report.summary.total} | ${c.passed} | ${c.failed} | ${c.warning} | ${c.info} | ${c.skipped} | ${c['not-applicable']} | ${c.error} |`,
  ].join('\n');
}

/** What the tables and headings need of a deviation, in either analysis. */
export interface DeviationSummary {
  title: string;
  level: string;
  requirements: readonly string[];
  sections: readonly string[];
}

function sectionsOf(deviation: DeviationSummary): string {
  return deviation.sections.map((s) => `§${s}`).join(', ');
}

/** The deviations of a run, numbered, with how many of its checks (`noun`: Scenarios, Checks) show each. */
export function deviationTable(
  rows: readonly { number: number; deviation: DeviationSummary; count: number }[],
  noun: string,
): string[] {
  return [
    `| # | Deviation | Level | ${noun} | Requirements broken | Section |`,
    '|---|---|---|---:|---|---|',
    ...rows.map(
      ({ number, deviation, count }) =>
        `| ${number} | ${deviation.title} | ${deviation.level} | ${count} | ${deviation.requirements.join(', ')} | ${sectionsOf(deviation)} |`,
    ),
  ];
}

/** The failed or warned checks (`noun`: Scenario, Check) with the number of the deviation that claims each. */
export function claimTable(
  checks: readonly CheckResult[],
  noun: string,
  numberOf: (check: CheckResult) => number | undefined,
): string[] {
  return [
    `| ${noun} | Status | Cited requirements | Deviation |`,
    '|---|---|---|---|',
    ...checks.map(
      (check) =>
        `| \`${check.id}\` | ${check.status} | ${check.requirements.join(', ')} | ${numberOf(check) ?? 'not yet analysed'} |`,
    ),
  ];
}

/** A deviation's heading and its level, requirements and sections line. */
export function deviationHeading(report: Report, number: number, deviation: DeviationSummary): string[] {
  return [
    `### ${number}. ${deviation.title}`,
    '',
    `**${deviation.level}** · ${requirementList(report, deviation.requirements)} · spec ${sectionsOf(deviation)}`,
  ];
}

/**
 * The failed or warned checks no deviation claims (`noun`: scenarios, checks), each with its evidence;
 * nothing when every one is claimed.
 */
export function unanalysedSection(
  checks: readonly CheckResult[],
  heading: string,
  noun: string,
  evidence: (check: CheckResult) => string,
): string[] {
  if (checks.length === 0) return [];
  const out = [
    `## ${heading}`,
    '',
    `These ${noun} are new in the suite or changed their verdict since the analysis was written; their evidence is quoted as recorded.`,
    '',
  ];
  for (const check of checks) out.push(`### \`${check.id}\` — ${check.title}`, '', evidence(check), '');
  return out;
}

/**
 * Which deviation of an analysis claims each check: the one whose analysis names it, else the first
 * that recognises it in its evidence (a check added to the suite since the analysis was written).
 */
export function claimChecks<D>(
  checks: readonly CheckResult[],
  deviations: readonly D[],
  names: (deviation: D, id: string) => boolean,
  recognises: (deviation: D, check: CheckResult) => boolean,
): Map<string, D> {
  const owner = new Map<string, D>();
  for (const check of checks) {
    const found =
      deviations.find((deviation) => names(deviation, check.id)) ??
      deviations.find((deviation) => recognises(deviation, check));
    if (found !== undefined) owner.set(check.id, found);
  }
  return owner;
}
