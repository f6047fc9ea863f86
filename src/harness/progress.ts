import {
  AREAS,
  CHECK_STATUSES,
  ranLine,
  ranShare,
  skipReasons,
  type CheckResult,
  type Report,
  type StatusCounts,
} from '../model/index.ts';
import { workaroundNotice } from './workarounds.ts';

export const STATUS_SYMBOLS: Record<CheckResult['status'], string> = {
  passed: '✓',
  failed: '✗',
  warning: '!',
  info: 'i',
  skipped: '-',
  'not-applicable': '·',
  error: 'E',
};

/** One progress line per finished check: symbol, id, duration, and the reason when not passed. */
export function progressLine(result: CheckResult): string {
  const reason = result.status === 'passed' || !result.message ? '' : `  ${firstLine(result.message)}`;
  return `${STATUS_SYMBOLS[result.status]} ${result.id} (${result.duration_ms} ms)${reason}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

const COLUMNS: readonly (keyof StatusCounts)[] = CHECK_STATUSES;

/** The final plain-text table: one row per area with checks, then a total row. */
export function summaryTable(report: Report): string {
  const header = ['area', ...COLUMNS];
  const rows: string[][] = [];
  for (const area of AREAS) {
    const counts = report.summary.by_area[area];
    if (counts) rows.push([area, ...COLUMNS.map((status) => String(counts[status]))]);
  }
  rows.push(['total', ...COLUMNS.map((status) => String(report.summary.counts[status]))]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(header), rule, ...rows.slice(0, -1).map(format), rule, format(rows.at(-1) ?? [])].join('\n');
}

/** The closing lines: table, baseline verdict, active workarounds, and the exit status in words. */
export function closingLines(report: Report): string[] {
  const lines: string[] = [];
  if (!report.setup.ok) {
    lines.push(`setup failed: ${report.setup.error ?? 'unknown error'}`);
  } else {
    lines.push('', summaryTable(report));
  }
  const baseline = report.baseline;
  if (baseline) {
    lines.push(`baseline ${baseline.file}: ${baseline.known_failures.length} known failure(s)`);
    for (const id of baseline.new_failures) lines.push(`  new failure (not in baseline): ${id}`);
    for (const entry of baseline.fixed) lines.push(`  baseline entry now passes, remove it: ${entry.check}`);
    for (const entry of baseline.stale) lines.push(`  baseline entry names no known check: ${entry.check}`);
  }
  lines.push(...workaroundNotice(report.workarounds));
  if (report.setup.ok) {
    lines.push(ranLine(report.summary));
    for (const { reason, count } of skipReasons(report.checks).slice(0, 3)) lines.push(`  skipped ${count}: ${reason}`);
  }
  const mostlySkipped = report.setup.ok && ranShare(report.summary).share < 0.5;
  const verdict = [
    mostlySkipped
      ? 'no failure beyond the baseline among the checks that ran, but most of the suite did not run (see the skip reasons)'
      : 'conforming: no failure beyond the baseline',
    'conformance failures',
    'setup or usage error',
    'internal harness error (a bug of this tool: please report it)',
  ][report.exit_code];
  const undercovered = report.setup.notes.find((note) => note.startsWith('coverage below --min-coverage'));
  lines.push(
    `exit ${report.exit_code}: ${undercovered !== undefined && report.exit_code === 1 ? undercovered : verdict}`,
  );
  return lines;
}
