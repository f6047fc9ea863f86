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
import { PLAIN, paint, wrap, type TerminalStyle } from './terminal.ts';
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

const STATUS_COLOURS: Record<CheckResult['status'], Parameters<typeof paint>[1]> = {
  passed: 'green',
  failed: 'red',
  warning: 'yellow',
  info: 'cyan',
  skipped: 'gray',
  'not-applicable': 'gray',
  error: 'magenta',
};

/** How many checks have finished, of how many the run has. */
export interface RunPosition {
  readonly done: number;
  readonly total: number;
}

/** A reason gets the rest of the first line only when at least this much of it is left. */
const MIN_REASON_COLUMNS = 24;

/**
 * The progress output of one finished check: counter, symbol, id, duration and, unless it passed,
 * its whole reason, wrapped under the id to the style's width (a reason is what the reader acts
 * on, so it is never cut).
 */
export function progressLine(result: CheckResult, position?: RunPosition, style: TerminalStyle = PLAIN): string {
  const counter = position ? `${String(position.done).padStart(String(position.total).length)}/${position.total} ` : '';
  const symbol = STATUS_SYMBOLS[result.status];
  const head = `${counter}${symbol} ${result.id} (${result.duration_ms} ms)`;
  const styledHead = `${paint(style, 'dim', counter)}${paint(style, STATUS_COLOURS[result.status], symbol)} ${result.id} ${paint(style, 'dim', `(${result.duration_ms} ms)`)}`;
  if (result.status === 'passed' || !result.message) return styledHead;
  const indent = ' '.repeat(counter.length + 2);
  const left = style.width - head.length - 2;
  const inline = left >= MIN_REASON_COLUMNS;
  const lines = wrap(result.message, style.width - indent.length, inline ? left : style.width - indent.length);
  const quiet = result.status === 'skipped' || result.status === 'not-applicable';
  const shown = lines.map((line) => (quiet ? paint(style, 'dim', line) : line));
  const [first, ...rest] = inline ? shown : ['', ...shown];
  return [`${styledHead}${first ? `  ${first}` : ''}`, ...rest.map((line) => `${indent}${line}`)].join('\n');
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

/** The closing lines: table, baseline verdict, active workarounds, and the exit status in words (coloured by outcome). */
export function closingLines(report: Report, style: TerminalStyle = PLAIN): string[] {
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
    for (const { reason, count } of skipReasons(report.checks).slice(0, 3)) {
      const [first, ...rest] = wrap(`skipped ${count}: ${reason}`, style.width - 4, style.width - 2);
      lines.push(`  ${first}`, ...rest.map((line) => `    ${line}`));
    }
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
  const exitLine = `exit ${report.exit_code}: ${undercovered !== undefined && report.exit_code === 1 ? undercovered : verdict}`;
  lines.push(paint(style, report.exit_code === 0 ? ['green', 'bold'] : ['red', 'bold'], exitLine));
  return lines;
}
